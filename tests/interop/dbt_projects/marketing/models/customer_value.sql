select o.customer_id, cast(sum(o.amount) as double) as revenue
from {{ ref('shop', 'orders') }} o join {{ ref('shop', 'customers', v=2) }} c using (customer_id)
group by 1
