"""Geoparsing: recognise place mentions in an article and resolve them to places.

Article -> GeoparsedArticle. Geoparser holds the loaded gazetteer and its matchers; build it once
per process and call parse()/parse_many() on batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from mapper.config import GeoparseConfig
from mapper.gazetteer import Gazetteer
from mapper.geoparse.recognize import Recognizer
from mapper.geoparse.relative import add_relative_places
from mapper.geoparse.resolve import Resolver, ResolverSettings
from mapper.models import Article, GeoparsedArticle, Toponym

__all__ = ["Geoparser"]


class Geoparser:
    """Recognise and resolve place mentions with an offline Gazetteer."""

    def __init__(self, gazetteer: Gazetteer, config: GeoparseConfig | None = None):
        config = config or GeoparseConfig()
        self.gazetteer = gazetteer
        self.recognizer = Recognizer(gazetteer)
        self.resolver = Resolver(
            gazetteer, ResolverSettings(country_hint=config.country_hint, min_score=config.min_score)
        )

    def parse_text(self, text: str) -> list[Toponym]:
        mentions = self.recognizer.recognize(text)
        return add_relative_places(text, self.resolver.resolve(text, mentions))

    def parse(self, article: Article) -> GeoparsedArticle:
        return GeoparsedArticle(article=article, toponyms=tuple(self.parse_text(article.text)))

    def parse_many(self, articles: Iterable[Article]) -> Iterator[GeoparsedArticle]:
        for article in articles:
            yield self.parse(article)
