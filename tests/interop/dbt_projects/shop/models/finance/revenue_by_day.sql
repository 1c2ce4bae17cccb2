select cast(o.order_id as varchar) as day, sum(o.amount) as revenue from {{ ref('orders') }} o group by 1
