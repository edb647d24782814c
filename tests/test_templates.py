"""Page templates fit the base layout they extend."""

from jinja2 import Environment, FileSystemLoader, nodes

from lapor_bencana.paths import TEMPLATES_DIR


def blocks(env: Environment, name: str) -> set[str]:
    return {block.name for block in env.parse(env.loader.get_source(env, name)[0]).find_all(nodes.Block)}


def test_every_block_a_page_fills_is_one_the_base_layout_has():
    # A block the base lacks is dropped without a word (a page's own stylesheet, for one).
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), extensions=["jinja2.ext.i18n"])
    offered = blocks(env, "base.html")
    pages = [name for name in env.list_templates(extensions=["html"]) if name.startswith("pages/")]
    filled = {name: blocks(env, name) - offered for name in pages if '{% extends "base.html" %}' in env.loader.get_source(env, name)[0]}
    assert len(filled) > 20
    assert {name: extra for name, extra in filled.items() if extra} == {}
