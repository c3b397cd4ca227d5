"""Every test module starts with a docstring saying what behaviour it covers.

Checked from the source with ``ast``: the modules under tests/, the contract modules
(contracts/test_*.py) and both conftest.py files. Function docstrings are a review
matter, not enforced here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted([*ROOT.glob("tests/*.py"), *ROOT.glob("contracts/test_*.py"),
                  ROOT / "contracts" / "conftest.py"])


def test_the_test_modules_are_found():
    """The glob finds this module, a contract module and both conftest files."""
    names = {str(p.relative_to(ROOT)) for p in MODULES}
    assert {"tests/test_test_docstrings.py", "tests/conftest.py", "contracts/conftest.py",
            "contracts/test_tasks.py"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_module_has_a_docstring(path):
    """Each test module opens with a non-empty docstring."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert doc and doc.strip(), f"{path.relative_to(ROOT)}: add a module docstring saying " \
                                "which behaviour its tests cover"
