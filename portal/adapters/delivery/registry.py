"""The registry of channel types and the per-service channel configuration, checked when the
app starts so a typo stops the start with a clear message instead of failing deliveries.

Configuration (`DELIVERY_CHANNELS`, a mapping or a JSON string; or `DELIVERY_CHANNELS_FILE`,
a YAML/JSON file with the same content):

    {"*": [ {channel}, … ],                      # every service
     "hundesteuer-anmeldung": [ {channel}, … ]}  # in addition, for one service

    channel = {"name": "steueramt-mail",   # unique, [a-z0-9-], kept in the job rows
               "type": "email" | "webhook" | "dms",
               …options of that type…}     # secrets also as "<option>_file": "/run/secrets/x"

The inbox channel is always on and needs no entry.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from portal.adapters.delivery.base import Channel
from portal.adapters.delivery.dms import DmsChannel
from portal.adapters.delivery.email import EmailChannel
from portal.adapters.delivery.inbox import INBOX, InboxChannel
from portal.adapters.delivery.secrets import SecretError
from portal.adapters.delivery.webhook import WebhookChannel

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
ALL_SERVICES = "*"


class ChannelConfigError(Exception):
    """The channel configuration is wrong; the message says where and why."""


class Registry:
    def __init__(self) -> None:
        self._types: dict[str, type[Channel]] = {}

    def register(self, channel_type: type[Channel]) -> type[Channel]:
        if channel_type.type in self._types:
            raise ValueError(f"channel type '{channel_type.type}' is registered twice")
        self._types[channel_type.type] = channel_type
        return channel_type

    def types(self) -> list[str]:
        return sorted(self._types)

    def get(self, type_name: str) -> type[Channel] | None:
        return self._types.get(type_name)


def default_registry() -> Registry:
    registry = Registry()
    for channel_type in (InboxChannel, EmailChannel, WebhookChannel, DmsChannel):
        registry.register(channel_type)
    return registry


@dataclass
class Channels:
    """The configured channels: by name, and which ones each service uses (inbox first)."""

    by_name: dict[str, Channel]
    per_service: dict[str, list[str]] = field(default_factory=dict)
    common: list[str] = field(default_factory=list)

    def for_service(self, service_id: str) -> list[str]:
        return [INBOX, *self.common, *self.per_service.get(service_id, [])]

    def get(self, name: str) -> Channel | None:
        return self.by_name.get(name)

    def longest_timeout(self) -> float:
        return max((c.timeout() for c in self.by_name.values()), default=0.0)


def raw_config(config: Mapping[str, Any]) -> Mapping[str, Any]:
    path = config.get("DELIVERY_CHANNELS_FILE")
    raw: Any = config.get("DELIVERY_CHANNELS") or {}
    if path:
        try:
            raw = yaml.safe_load(Path(str(path)).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ChannelConfigError(f"DELIVERY_CHANNELS_FILE {path}: {exc}") from exc
    elif isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.strip() else {}
        except json.JSONDecodeError as exc:
            raise ChannelConfigError(f"DELIVERY_CHANNELS is not valid JSON: {exc}") from exc
    if not isinstance(raw, Mapping):
        raise ChannelConfigError("DELIVERY_CHANNELS must map service ids (or '*') to lists "
                                 "of channels")
    return raw


def load_channels(config: Mapping[str, Any], service_ids: Sequence[str],
                  registry: Registry | None = None) -> Channels:
    registry = registry or default_registry()
    raw = raw_config(config)
    channels = Channels(by_name={INBOX: InboxChannel(INBOX, InboxChannel.options_model())})
    for service_id, entries in raw.items():
        where = f"DELIVERY_CHANNELS[{service_id!r}]"
        if service_id != ALL_SERVICES and service_id not in service_ids:
            raise ChannelConfigError(f"{where}: no service with this id (known: "
                                     f"{', '.join(sorted(service_ids))})")
        if not isinstance(entries, list):
            raise ChannelConfigError(f"{where}: must be a list of channels")
        names = []
        for index, entry in enumerate(entries):
            channel = _build(registry, config, entry, f"{where}[{index}]", channels.by_name)
            channels.by_name.setdefault(channel.name, channel)
            if channel.name in names:
                raise ChannelConfigError(f"{where}[{index}]: channel '{channel.name}' twice")
            names.append(channel.name)
        if service_id == ALL_SERVICES:
            channels.common = names
        else:
            channels.per_service[service_id] = names
    for service_id, names in channels.per_service.items():
        both = set(names) & set(channels.common)
        if both:
            raise ChannelConfigError(f"DELIVERY_CHANNELS[{service_id!r}]: {', '.join(both)} "
                                     "is already configured for every service ('*')")
    return channels


def _build(registry: Registry, config: Mapping[str, Any], entry: Any, where: str,
           known: Mapping[str, Channel]) -> Channel:
    if not isinstance(entry, Mapping):
        raise ChannelConfigError(f"{where}: must be a mapping with 'name' and 'type'")
    options = dict(entry)
    name, type_name = options.pop("name", None), options.pop("type", None)
    if not isinstance(name, str) or not NAME.match(name) or name == INBOX:
        raise ChannelConfigError(f"{where}.name: {name!r} is not a valid channel name "
                                 "(lower-case letters, digits, '-'; not 'inbox')")
    channel_type = registry.get(str(type_name))
    if channel_type is None or channel_type is InboxChannel:
        allowed = ", ".join(t for t in registry.types() if t != INBOX)
        raise ChannelConfigError(f"{where}.type: {type_name!r} is unknown (known: {allowed})")
    try:
        for key in [k for k in options if k.endswith("_file")]:
            base = key[: -len("_file")]
            if base in channel_type.options_model.model_fields:
                options[base] = Path(str(options.pop(key))).read_text(encoding="utf-8").strip()
        merged = {**channel_type.defaults(config), **options}
        channel = channel_type(name, channel_type.options_model(**merged))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(options)'}: {e['msg']}"
                             for e in exc.errors())
        raise ChannelConfigError(f"{where} ({name}, {type_name}): {problems}") from exc
    except (OSError, SecretError) as exc:
        raise ChannelConfigError(f"{where} ({name}): {exc}") from exc
    previous = known.get(name)
    if previous is not None and (previous.type != channel.type
                                 or previous.options != channel.options):
        raise ChannelConfigError(f"{where}: channel name '{name}' is used for two different "
                                 "configurations")
    return channel

