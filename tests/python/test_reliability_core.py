"""Issue 18, C++ side: no standard C++ exception leaves the core untranslated; Cancelled
becomes a KeyboardInterrupt; extreme inputs give typed errors naming the culprit."""

import pytest

import libmatch
from libmatch import _core


@pytest.mark.parametrize(
    "kind, cls, builtin, text",
    [
        ("bad_alloc", "OutOfMemoryError", MemoryError, "not enough memory"),
        ("length_error", "InvalidInputError", ValueError, "input too large"),
        ("out_of_range", "InvalidInputError", ValueError, "out of range"),
        ("invalid_argument", "InvalidInputError", ValueError, "invalid argument"),
        ("runtime_error", "Error", Exception, "internal error: boom"),
        ("cancelled", "CancelledError", KeyboardInterrupt, "cancelled"),
    ],
)
def test_standard_exceptions_are_translated(kind, cls, builtin, text):
    with pytest.raises(getattr(libmatch, cls)) as info:
        _core._raise_for_test(kind)
    assert type(info.value) is getattr(libmatch, cls)
    assert isinstance(info.value, libmatch.Error)
    assert isinstance(info.value, builtin)
    assert text in str(info.value)


def test_cancelled_is_caught_as_keyboard_interrupt():
    caught = None
    try:
        _core._raise_for_test("cancelled")
    except KeyboardInterrupt as e:
        caught = e
    assert isinstance(caught, libmatch.CancelledError)
