"""The static site: `build.py` gathers drafts, renders pages and writes `site/`.

build.py      gather, render, write: the entry point (`build`, `render_post_page`)
gather.py     drafts and briefs to posts; model.py the posts and pages
markup.py     Markdown to sanitized HTML; typography.py French spacing; i18n.py dates and labels
images.py, media.py, cards.py   responsive images and social cards, cached in .satire/media
theme.py, pages.py, labels.py   templates, page rendering, and the satire labels every page must carry
links.py      links made relative to each page (site.relative_urls)
cache.py, keys.py, write.py, marker.py, prune.py, parallel.py   incremental builds and safe writes
"""
