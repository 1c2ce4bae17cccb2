-- Order history and lifetime value per customer.
--
-- Runs inside the product's output DuckDB database. The input ports are the sales domain's
-- output ports, attached read-only under the input port's name:
--   orders    -> sales/orders/orders        (table orders.orders)
--   customers -> sales/customers/customers  (table customers.customers)

DELETE FROM customer_value;

INSERT INTO customer_value
    (customer_id, country, first_order_on, last_order_on, order_count, lifetime_value_eur)
SELECT
    o.customer_id,
    c.country,
    CAST(min(o.ordered_at) AS DATE),
    CAST(max(o.ordered_at) AS DATE),
    count(*),
    sum(o.amount_eur)
FROM orders.orders AS o
JOIN customers.customers AS c USING (customer_id)
WHERE o.status <> 'cancelled'
GROUP BY o.customer_id, c.country;
