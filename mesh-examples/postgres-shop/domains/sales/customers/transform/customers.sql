-- Build the `customers` table of the output port from the shop's nightly export (here, inline): one row per
-- customer, the latest sign-up kept.
--
-- Runs as the product's role (pgshop_sales_customers), in its schema sales_customers.

DELETE FROM customers;

INSERT INTO customers (customer_id, email, country, signed_up_on)
SELECT DISTINCT ON (trim(customer_id)) trim(customer_id), lower(trim(email)), upper(trim(country)),
       CAST(signed_up_at AS DATE)
FROM (VALUES
    ('C-1001', 'ada.lovelace@example.com', 'gb', '2024-01-12 09:14:03'),
    ('C-1002', 'alan.turing@example.com', 'GB', '2024-02-03 18:40:51'),
    ('C-1003', 'grace.hopper@example.com', 'us', '2024-02-20 07:02:19'),
    ('C-1004', 'edsger.dijkstra@example.com', 'NL', '2024-03-08 12:30:00'),
    ('C-1005', 'barbara.liskov@example.com', 'US', '2024-04-15 21:11:47'),
    ('C-1006', 'niklaus.wirth@example.com', 'ch', '2024-05-01 10:05:33')
) AS shop (customer_id, email, country, signed_up_at)
ORDER BY trim(customer_id), signed_up_at DESC;
