-- Runs inside the `orders` output port's database; the landing port `shop` shows
-- data/shop/orders.csv as the view shop.orders.

DELETE FROM orders;

INSERT INTO orders (order_id, ordered_at, amount_eur)
SELECT trim(order_id), CAST(ordered_at AS TIMESTAMP), CAST(amount_eur AS DECIMAL(10, 2))
FROM shop.orders;
