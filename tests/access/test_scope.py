"""The department scope: chosen ∩ allowed, default deny, and its predicate on real statements."""

import pytest
from sqlalchemy import select

from access.roles import Principal
from access.scope import effective, options, restrict, restrict_table
from etl.schema import mart_order_fulfilment, products

EXEC = Principal("eve", "executive")
MANAGER = Principal("mia", "manager", ("D2", "D1"))


@pytest.mark.parametrize(("principal", "chosen", "scope"), [
    (EXEC, (), None), (EXEC, ("D3",), ("D3",)), (Principal("al", "analyst"), ("D2", "D1", "D2"), ("D1", "D2")),
    (MANAGER, (), ("D1", "D2")), (MANAGER, ("D2",), ("D2",)), (MANAGER, ("D2", "D3"), ("D2",)),
    (MANAGER, ("D3",), ()),  # the URL asks for a department the manager may not see: nothing, not everything
    (Principal("nn", None), (), ()), (Principal("nn", None), ("D1",), ()), (Principal("xx", "boss"), (), ()),
    (Principal("md", "manager"), (), ()), (None, (), ()), (None, ("D1",), ()),
])
def test_effective_scope_is_chosen_within_allowed_and_default_deny(principal, chosen, scope):
    assert effective(principal, chosen) == scope


def test_the_predicate_is_bound_and_empty_means_no_row():
    base = select(mart_order_fulfilment.c.order_id)
    assert restrict_table(base, mart_order_fulfilment, None) is base
    scoped = restrict_table(base, mart_order_fulfilment, ("D1", "x' OR '1'='1"))
    compiled = scoped.compile()
    assert "'1'='1" not in compiled.string and list(compiled.params.values()) == [["D1", "x' OR '1'='1"]]
    assert "false" in str(restrict(base, mart_order_fulfilment.c.department_id, ()).compile()).lower() or \
        "1 != 1" in str(restrict(base, mart_order_fulfilment.c.department_id, ()).compile())
    with pytest.raises(ValueError, match="products has no department_id"):
        restrict_table(select(products.c.product_id), products, ("D1",))


def test_the_sidebar_offers_only_allowed_departments():
    every = ["D1", "D2", "D3"]
    assert options(EXEC, every) == every
    assert options(MANAGER, every) == ["D1", "D2"]
    assert options(Principal("nn", None), every) == [] and options(None, every) == []
