"""Geoparsing: recognise place mentions in an article and resolve them to places.

Article -> GeoparsedArticle. Geoparser holds the loaded gazetteer and its matchers; build it once
per process and call parse() for each article.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from mapper.config import GeoparseConfig
from mapper.errors import ConfigError
from mapper.gazetteer import Gazetteer
from mapper.geoparse.memo import MemoResolver
from mapper.geoparse.recognize import Recognizer
from mapper.geoparse.relative import add_relative_places
from mapper.geoparse.resolve import ResolverSettings
from mapper.models import Article, GeoparsedArticle, Place, Toponym

# Asked for the names the offline gazetteer could not place: name -> Place or None.
Fallback = Callable[[str], Place | None]

__all__ = ["Geoparser"]


class Geoparser:
    """Recognise and resolve place mentions with an offline Gazetteer."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        config: GeoparseConfig | None = None,
        *,
        fallback: Fallback | None = None,
    ):
        config = config or GeoparseConfig()
        self.gazetteer = gazetteer
        self.fallback = fallback
        self.recognizer = Recognizer(gazetteer)
        bbox = config.bbox_hint
        if bbox and len(bbox) != 4:
            raise ConfigError(
                f"geoparse.bbox_hint: expected [min_lon, min_lat, max_lon, max_lat], got {bbox!r}"
            )
        settings = ResolverSettings(
            country_hint=config.country_hint,
            min_score=config.min_score,
            bbox_hint=(bbox[0], bbox[1], bbox[2], bbox[3]) if bbox else None,
        )
        # resolve.py's Resolver, remembering its answers per batch and per article (memo.py).
        self.resolver = MemoResolver(gazetteer, settings)

    def parse_text(self, text: str, *, url: str | None = None) -> list[Toponym]:
        """Toponyms of a text; ``url`` (the article's address) hints at the outlet's country."""
        mentions = self.recognizer.recognize(text)
        source_country = self.gazetteer.country_of_url(url) if url else ""
        toponyms = self.resolver.resolve(text, mentions, source_country=source_country)
        if self.fallback is not None:
            toponyms = [self._ask_fallback(t) for t in toponyms]
        return add_relative_places(text, toponyms)

    def _ask_fallback(self, toponym: Toponym) -> Toponym:
        if toponym.place is not None or toponym.demonym or self.fallback is None:
            return toponym
        place = self.fallback(toponym.name)
        if place is None:
            return toponym
        reason = f"{toponym.reason}; placed by {place.place_id.split(':', 1)[0]}"
        return replace(toponym, place=place, score=0.5, reason=reason)

    def parse(self, article: Article) -> GeoparsedArticle:
        toponyms = self.parse_text(article.text, url=article.url)
        return GeoparsedArticle(article=article, toponyms=tuple(toponyms))
