"""The documentation's guards: the generated references and the rule that nothing
user-facing names a file outside the repository (run by bench/mutations.py)."""

MUTATIONS = [
    {
        "name": "docs: a config key without a description still builds",
        "path": "docs/hooks/config_reference.py",
        "old": "        if not description:\n",
        "new": "        if False:\n",
        "tests": [
            "tests/test_docs.py::test_a_config_key_without_a_description_stops_the_docs_build"
        ],
    },
    {
        "name": "docs: a config section left out of the reference",
        "path": "docs/hooks/config_reference.py",
        "old": "    for child, sub in nested:\n",
        "new": "    for child, sub in nested[1:]:\n",
        "tests": [
            "tests/test_docs.py::test_the_config_reference_lists_every_key_with_its_description"
        ],
    },
    {
        "name": "docs: the CLI reference generated from one group, not the whole CLI",
        "path": "docs/reference/cli.md",
        "old": "    :module: generator.cli\n    :command: cli\n",
        "new": "    :module: generator.commands.review\n    :command: review\n",
        "tests": ["tests/test_docs.py::test_the_cli_reference_lists_every_command_and_option"],
    },
    {
        "name": "docs: a help text names a file outside the repository again",
        "path": "generator/commands/stats.py",
        "old": 'help="json: {since, total, by_style, by_model, by_language}, each a row',
        "new": 'help="json: the SPEC shape {since, total, by_style, by_model, by_language}, each a row',
        "tests": [
            "tests/test_docs.py::test_nothing_user_facing_names_a_file_outside_the_repository"
        ],
    },
]
