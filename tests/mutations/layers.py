"""The layer contracts (run by bench/mutations.py)."""

MUTATIONS = [
    {
        "name": "layers: the plumbing layer left out of the contract",
        "path": ".importlinter",
        "old": "    generator.infra\n    generator.errors\n",
        "new": "    generator.errors\n",
        "tests": ["tests/test_layers.py::test_an_upward_import_breaks_the_layers"],
    },
]
