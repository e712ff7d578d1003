"""grading.quantities, the cases the mutation run found untested: a QuantityError without a hint
has an empty one."""
from backprop_cli.grading.quantities import QuantityError


def test_a_quantity_error_without_a_hint_has_none():
    error = QuantityError("unknown quantity 'q'")
    assert str(error) == "unknown quantity 'q'" and error.hint == ""


def test_an_input_sits_first_along_the_chain():
    from backprop_cli.core.names import notation
    from backprop_cli.grading.quantities import chain_position, parse_quantity

    n = notation("default")
    # forward values by layer, x at layer 0 before z at layer 1; then the loss at depth + 1
    assert chain_position(parse_quantity("x2", n), n, 2) == (0, 0, 0)
    assert chain_position(parse_quantity("z11", n), n, 2) == (0, 1, 0)
    assert chain_position(parse_quantity("a11", n), n, 2) == (0, 1, 1)
    assert chain_position(parse_quantity("yhat1", n), n, 2) == (0, 2, 1)
    assert chain_position(parse_quantity("loss", n), n, 2) == (0, 3, 1)


def test_L_names_the_loss_whatever_the_courses_loss_is_called():
    from conftest import SPECS

    from backprop_cli.core.names import Name, notation
    from backprop_cli.grading.quantities import parse_quantity
    from backprop_cli.spec.reader import load_spec

    course = notation("default", load_spec(SPECS / "mazur-2-2-2.yaml").network.names)
    assert course.loss == "E_total"
    for text in ("L", "loss", "E_total"):
        q = parse_quantity(text, course)
        assert (q.kind, q.name, q.sample) == ("value", Name("L", ()), None)


def test_a_courses_own_pre_activation_name_is_lettered_in_padhai_notation():
    from conftest import SPECS

    from backprop_cli.core.names import Name, notation
    from backprop_cli.grading.quantities import parse_quantity
    from backprop_cli.spec.reader import load_spec

    padhai = notation("padhai", load_spec(SPECS / "mazur-2-2-2.yaml").network.names)
    assert parse_quantity("net_h1", padhai).name == Name("a", (1, 1))  # z11 is a11 in padhai's letters
    assert parse_quantity("out_h1", padhai).name == Name("h", (1, 1))


def test_a_node_of_the_other_notation_is_refused_with_the_notations_named():
    import pytest

    from backprop_cli.core.names import describe_notations, notation
    from backprop_cli.grading.quantities import QuantityError, node_at, parse_quantity
    from backprop_cli.spec.reader import load_spec

    from ._tiny import SPEC

    result = load_spec(text=SPEC).compute()
    default = notation("default")
    with pytest.raises(QuantityError) as info:
        node_at(result, parse_quantity("h11").name, default)
    assert str(info.value) == "'h11' is not a node name in the default notation"
    assert info.value.hint == f"the pre-activation and the activation are written in {describe_notations()}"


def test_parameters_sit_before_the_nodes_of_their_layer_and_their_gradients_after_its_delta():
    from backprop_cli.core.names import notation
    from backprop_cli.grading.quantities import chain_position, parse_quantity

    n = notation("default")
    assert chain_position(parse_quantity("b21", n), n, 2) == (0, 2, 0)
    assert chain_position(parse_quantity("w211", n), n, 2) == (0, 2, 0)
    # ∂L/∂a, then ∂L/∂z, then the parameters' gradients computed from it (a right δ is no copy of them)
    assert chain_position(parse_quantity("dL/da21", n), n, 2) < chain_position(parse_quantity("dL/dz21", n), n, 2) \
        < chain_position(parse_quantity("dL/db21", n), n, 2) == chain_position(parse_quantity("dL/dw211", n), n, 2) \
        < chain_position(parse_quantity("dL/da11", n), n, 2) == (1, -1, -1)


def test_only_a_weight_or_bias_has_an_updated_value():
    import pytest

    from backprop_cli.grading.quantities import QuantityError, parse_quantity

    with pytest.raises(QuantityError) as info:
        parse_quantity("z11_new")
    assert str(info.value) == "'z11_new': only weights and biases have a value after the update"
    assert info.value.hint == "write w212_new or b21_new"
