-- Order history and lifetime value per customer.
--
-- Runs as the product's role (pgshop_marketing_customer_value), which its producers' output ports granted
-- SELECT on their tables: {{ input.orders }} is sales/orders' schema, {{ input.customers }} sales/customers'.

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
FROM {{ input.orders }}.orders AS o
JOIN {{ input.customers }}.customers AS c USING (customer_id)
WHERE o.status <> 'cancelled'
GROUP BY o.customer_id, c.country;
