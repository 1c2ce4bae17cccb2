-- Build the `orders` table of the output port from the shop's nightly export (here, inline).
--
-- Runs as the product's role (pgshop_sales_orders), in its schema sales_orders. Full refresh on every run.

DELETE FROM orders;

INSERT INTO orders (order_id, customer_id, ordered_at, status, amount_eur)
SELECT trim(order_id), trim(customer_id), CAST(ordered_at AS TIMESTAMP), lower(trim(status)),
       CAST(amount_eur AS DECIMAL(10, 2))
FROM (VALUES
    ('O-50001', 'C-1001', '2024-03-01 10:22:10', 'delivered', '42.50'),
    ('O-50002', 'C-1002', '2024-03-02 14:05:44', 'delivered', '18.00'),
    ('O-50003', 'C-1001', '2024-03-15 08:47:02', 'delivered', '120.00'),
    ('O-50004', 'C-1003', '2024-03-18 19:31:27', 'cancelled', '65.99'),
    ('O-50005', 'C-1004', '2024-04-02 11:00:00', 'shipped', '230.10'),
    ('O-50006', 'C-1003', '2024-04-09 16:12:55', 'delivered', '15.25'),
    ('O-50007', 'C-1005', '2024-04-20 22:48:09', 'placed', '89.90'),
    ('O-50008', 'C-1001', '2024-05-05 09:03:31', 'delivered', '64.00'),
    ('O-50009', 'C-1006', '2024-05-11 13:37:00', 'delivered', '310.00'),
    ('O-50010', 'C-1004', '2024-05-28 07:55:18', 'delivered', '47.80')
) AS shop (order_id, customer_id, ordered_at, status, amount_eur);
