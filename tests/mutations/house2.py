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
    {
        "name": "config: site.timezone no longer checked at load",
        "path": "generator/config.py",
        "old": "    def _timezone(cls, value: str) -> str:\n        zone(value)\n",
        "new": "    def _timezone(cls, value: str) -> str:\n",
        "tests": [
            "tests/test_today.py::test_unknown_time_zone_is_one_located_line[build]",
            "tests/test_today.py::test_unknown_time_zone_is_one_located_line[publish]",
        ],
    },
    {
        "name": "config: today taken in UTC, not in the site's zone",
        "path": "generator/config.py",
        "old": "        return clock.now().astimezone(self.zone).date()\n",
        "new": "        return clock.now().date()\n",
        "tests": ["tests/test_today.py::test_publish_and_build_share_the_sites_today"],
    },
]
