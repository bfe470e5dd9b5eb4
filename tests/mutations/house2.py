"""Guards of the second house pass: Markdown reuse, time zone, relative links,
optional extras (run by bench/mutations.py)."""

MUTATIONS = [
    {
        "name": "markup: shared Markdown instance not reset between bodies",
        "path": "generator/site/markup.py",
        "old": "    html = _markdown().reset().convert(text)\n",
        "new": "    html = _markdown().convert(text)\n",
        "tests": [
            "tests/test_site_markup.py::test_shared_markdown_instance_on_random_markdown",
        ],
    },
]
