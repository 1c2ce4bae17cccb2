select current_date as day, cast(sum(o.amount) as numeric(12, 2)) as revenue from {{ ref('orders') }} o group by 1
