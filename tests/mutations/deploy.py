"""Guards of `satire deploy` and the build marker (issue 13), each with the tests that fail without it."""

MUTATIONS = [
    {
        "name": "deploy: a --drafts build is accepted",
        "path": "generator/deploy/__init__.py",
        "old": "    if marker.drafts:\n",
        "new": "    if False:\n",
        "tests": [
            "tests/test_deploy_s3.py::test_drafts_build_is_refused_and_the_bucket_is_unchanged"
        ],
    },
    {
        "name": "build: a --drafts build does not say so in its marker",
        "path": "generator/site/build.py",
        "old": "            write_marker(out, drafts=drafts, newest_input=newest_input)\n",
        "new": "            write_marker(out, drafts=False, newest_input=newest_input)\n",
        "tests": [
            "tests/test_deploy_s3.py::test_drafts_build_is_refused_and_the_bucket_is_unchanged"
        ],
    },
    {
        "name": "build: a --drafts build marks the site only once it is complete (a cut-short build looks reviewed)",
        "path": "generator/site/build.py",
        "old": "        if drafts and not marked and out.is_dir():\n",
        "new": "        if False:\n",
        "tests": ["tests/test_deploy_local.py::test_a_drafts_build_cut_short_is_still_refused"],
    },
    {
        "name": "deploy: a site older than its drafts is accepted",
        "path": "generator/deploy/__init__.py",
        "old": "    if newest_input_mtime(project) > marker.newest_input_mtime:\n",
        "new": "    if False:\n",
        "tests": [
            "tests/test_deploy_s3.py::test_a_site_older_than_its_drafts_is_refused_until_built"
        ],
    },
    {
        "name": "deploy: the build marker is uploaded with the site",
        "path": "generator/deploy/manifest.py",
        "old": "        if not path.is_file() or rel == MARKER:\n",
        "new": "        if not path.is_file():\n",
        "tests": [
            "tests/test_deploy_s3.py::test_first_deploy_uploads_every_file_with_its_type_and_cache_headers"
        ],
    },
    {
        "name": "deploy: --no-delete is ignored (s3, git)",
        "path": "generator/deploy/manifest.py",
        "old": "        self.deletes = list(changes.stale) if delete else []\n",
        "new": "        self.deletes = list(changes.stale)\n",
        "tests": [
            "tests/test_deploy_s3.py::test_no_delete_keeps_what_the_site_no_longer_has",
            "tests/test_deploy_local.py::test_git_deletes_an_unpublished_post_unless_told_not_to",
        ],
    },
    {
        "name": "deploy: --no-delete is ignored (rsync)",
        "path": "generator/deploy/rsync.py",
        "old": '        if delete:\n            command.append("--delete-after")\n',
        "new": '        if True:\n            command.append("--delete-after")\n',
        "tests": [
            "tests/test_deploy_local.py::test_rsync_deletes_an_unpublished_post_unless_told_not_to"
        ],
    },
    {
        "name": "deploy: S3 requests are not retried on 503 SlowDown",
        "path": "generator/deploy/s3.py",
        "old": 'retries={"mode": "standard", "total_max_attempts": attempts}',
        "new": 'retries={"mode": "standard", "total_max_attempts": 1}',
        "tests": ["tests/test_deploy_s3.py::test_throttling_is_retried_with_backoff"],
    },
    {
        "name": "deploy: S3 goes on to pages and deletions after an asset failed",
        "path": "generator/deploy/s3.py",
        "old": "                if report.errors:\n                    break\n",
        "new": "                if False:\n                    break\n",
        "tests": [
            "tests/test_deploy_s3.py::test_an_upload_failing_for_good_stops_before_pages_and_deletions"
        ],
    },
    {
        "name": "deploy: S3 uploads in any order (indexes before the pages they list)",
        "path": "generator/deploy/manifest.py",
        "old": "        return [[f for f in self.uploads if f.phase == n] for n in range(len(PHASES))]\n",
        "new": "        return [self.uploads]\n",
        "tests": [
            "tests/test_deploy_s3.py::test_first_deploy_uploads_every_file_with_its_type_and_cache_headers"
        ],
    },
    {
        "name": "deploy: git commits and pushes even when nothing changed",
        "path": "generator/deploy/git.py",
        "old": '            if self.must(work, "status", "--porcelain"):\n',
        "new": "            if True:\n",
        "tests": ["tests/test_deploy_local.py::test_git_first_second_and_changed"],
    },
    {
        "name": "deploy: git's error lines show a URL's password",
        "path": "generator/deploy/git.py",
        "old": '        self.name = f"git {masked(repository)} {branch}"\n',
        "new": '        self.name = f"git {repository} {branch}"\n',
        "tests": ["tests/test_deploy_local.py::test_git_unreachable_repository_is_one_line"],
    },
]
