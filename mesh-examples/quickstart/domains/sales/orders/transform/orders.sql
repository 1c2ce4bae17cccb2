-- Build the `orders` table of the output port from the shop's nightly export.
--
-- Runs inside the product's output DuckDB database; the input port `shop` (local-landing)
-- shows data/shop/orders.csv as the view shop.orders. Full refresh on every run.

DELETE FROM orders;

INSERT INTO orders (order_id, customer_id, ordered_at, status, amount_eur)
SELECT
    trim(order_id),
    trim(customer_id),
    CAST(ordered_at AS TIMESTAMP),
    lower(trim(status)),
    CAST(amount_eur AS DECIMAL(10, 2))
FROM shop.orders
WHERE order_id IS NOT NULL;
