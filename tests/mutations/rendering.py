"""Guards of rendering and its settings: Markdown reuse, time zone, relative links,
optional extras (run by bench/mutations.py)."""

CHROME = "tests/test_site_build.py::test_chrome_from_the_caches_reads_as_when_made"

MUTATIONS = [
    {
        "name": "markup: shared Markdown instance not reset between bodies",
        "path": "generator/site/markup.py",
        "old": "    html = md.reset().convert(text)\n",
        "new": "    html = md.convert(text)\n",
        "tests": [
            "tests/test_site_markup.py::test_shared_markdown_instance_on_random_markdown",
        ],
    },
    {
        "name": "markup: links left out of a body that holds one",
        "path": "generator/site/markup.py",
        "old": '    "link": ("](",),\n',
        "new": '    "link": ("]((",),\n',
        "tests": [
            "tests/test_site_markup.py::test_shared_markdown_instance_on_random_markdown",
        ],
    },
    {
        "name": "markup: tables left out of a body that holds one",
        "path": "generator/site/markup.py",
        "old": '    "table": ("|",),\n',
        "new": '    "table": ("||",),\n',
        "tests": [
            "tests/test_site_markup.py::test_shared_markdown_instance_on_random_markdown",
        ],
    },
    {
        "name": "config: site.timezone no longer checked at load",
        "path": "generator/config.py",
        "old": "    def _timezone(cls, value: str) -> str:\n        time_zone(value)\n",
        "new": "    def _timezone(cls, value: str) -> str:\n",
        "tests": [
            "tests/test_today.py::test_unknown_time_zone_is_one_located_line[build]",
            "tests/test_today.py::test_unknown_time_zone_is_one_located_line[publish]",
        ],
    },
    {
        "name": "config: today taken in UTC, not in the site's zone",
        "path": "generator/infra/clock.py",
        "old": "    return now().astimezone(zone).date()\n",
        "new": "    return now().date()\n",
        "tests": ["tests/test_today.py::test_publish_and_build_share_the_sites_today"],
    },
    {
        "name": "build: relative_urls set but links left root-relative",
        "path": "generator/site/build.py",
        "old": '            html = links.relative(html, page.path, job["relative_to"])\n',
        "new": "            pass\n",
        "tests": [
            "tests/test_front_door.py::test_quickstart_site_opens_from_disk_styled_with_links_that_resolve",
            "tests/test_front_door.py::test_site_under_a_sub_path[relative]",
        ],
    },
    {
        "name": "links: a folder link from disk does not name its index.html",
        "path": "generator/site/links.py",
        "old": '            if end == 0 or rest[end - 1] == "/":\n',
        "new": "            if False:\n",
        "tests": [
            "tests/test_front_door.py::test_quickstart_site_opens_from_disk_styled_with_links_that_resolve",
        ],
    },
    {
        "name": "links: the 404 page made relative (it is served at any address)",
        "path": "generator/site/links.py",
        "old": 'KEPT = ("404.html",)\n',
        "new": "KEPT = ()\n",
        "tests": ["tests/test_front_door.py::test_site_under_a_sub_path[relative]"],
    },
    {
        "name": "deploy: a missing boto3 no longer named as the s3 extra",
        "path": "generator/deploy/s3.py",
        "old": "    try:\n        import boto3\n    except ImportError:\n",
        "new": "    import boto3\n\n    if not boto3:\n",
        "tests": ["tests/test_extras.py::test_s3_deploy_without_boto3_names_the_extra"],
    },
    {
        "name": "i18n: spelled dates kept without their language (an English date on a French page)",
        "path": "generator/site/i18n.py",
        "old": '    key = f"{form}|{language}|{day.isoformat()}"\n',
        "new": '    key = f"{form}|{day.isoformat()}"\n',
        "tests": [CHROME],
    },
    {
        "name": "i18n: compiled catalogue kept without its .po files' content (an edit goes unseen)",
        "path": "generator/site/i18n.py",
        "old": '        digest.update(path.read_bytes() + b"\\0")\n',
        "new": '        digest.update(path.name.encode() + b"\\0")\n',
        "tests": [CHROME],
    },
]
