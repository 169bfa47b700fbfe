"""The portal's own schemas follow the XÖV rules (facts.md): own namespace, appinfo with
standard and version, messages named <group>.<message>.<4 digits>, every message with the
header; public components resolve to the local copies and nothing is fetched."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lxml import etree

from portal.adapters.xoev.mappers import BY_NAME, MAPPERS, check_definitions
from portal.adapters.xoev.model import NS
from portal.adapters.xoev.schemas import (
    PORTAL_ENTRY,
    MessageSchemas,
    SchemaLocationError,
    _OfflineResolver,
    compile_xmlschema,
    local_location,
)
from portal.definitions.loader import Catalog
from tests.adapters.xoev.support import SCHEMAS_DIR

XS = "{http://www.w3.org/2001/XMLSchema}"
OWN = sorted((SCHEMAS_DIR / "portal").glob("*.xsd"))
NAME = re.compile(r"^[a-z]+\.[a-z]+\.\d{4}$")
PUBLIC_NAMESPACES = {
    "urn:xoev-de:xdomea:schema:3.0.0", "http://xoev.de/schemata/code/1_0",
    "urn:xoev-de:kosit:xoev:datentyp:din-91379_2022-08",
    "http://www.osci.de/xinneres/meldeanschrift/5", "http://www.osci.de/xinneres/geschlecht/1",
    "http://www.osci.de/xinneres/codes/gemeindeverzeichnis/3",
}


@pytest.mark.parametrize("path", OWN, ids=lambda p: p.name)
def test_own_namespace_and_appinfo(path: Path) -> None:
    root = etree.parse(str(path)).getroot()
    namespace = root.get("targetNamespace")
    assert namespace == NS
    assert namespace not in PUBLIC_NAMESPACES and "kosit" not in namespace
    appinfo = root.find(f"{XS}annotation/{XS}appinfo")
    assert appinfo is not None
    for part in ("nameLang", "nameKurz", "kennung"):
        assert (appinfo.findtext(f"standard/{part}") or "").strip(), part
    assert appinfo.findtext("versionStandard/version") == root.get("version") == "1.0.0"


def test_messages_are_named_and_numbered_by_the_rules(schemas: MessageSchemas) -> None:
    names = list(schemas.portal.elements)
    assert sorted(names) == sorted(BY_NAME)
    assert all(NAME.match(n) for n in names), names
    numbers = [n.rsplit(".", 1)[1] for n in names]
    assert len(set(numbers)) == len(numbers)
    base = schemas.portal.types["Nachricht.Basis"]
    for name in names:
        assert schemas.portal.elements[name].type.is_derived(base), name


def test_one_message_per_service_and_definitions_agree(catalog: Catalog) -> None:
    assert set(MAPPERS) == set(catalog.services)
    assert check_definitions(catalog.services.values()) == []
    assert {t.service_id for t, _ in MAPPERS.values()} == set(MAPPERS)


def test_xoev_message_naming_another_message_is_reported(catalog: Catalog) -> None:
    service = catalog.services["bewohnerparkausweis"].model_copy(
        update={"xoev_message": "bewohnerparken.antrag.0399"})
    assert check_definitions([service]) == [
        "bewohnerparkausweis: xoev_message is 'bewohnerparken.antrag.0399', the mapper "
        "produces 'bewohnerparken.antrag.0301'"]


def test_remote_locations_map_to_existing_local_copies() -> None:
    for path in [*OWN, *SCHEMAS_DIR.rglob("xinneres/**/*.xsd")]:
        for location in etree.parse(str(path)).xpath("//xs:import/@schemaLocation",
                                                     namespaces={"xs": XS[1:-1]}):
            if location.startswith("http"):
                local = local_location(SCHEMAS_DIR, location)
                assert local is not None and Path(local).is_file(), location


def test_mapping_stays_inside_the_schema_directory() -> None:
    assert local_location(SCHEMAS_DIR, "http://xoev.de/schemata/../../../etc/passwd") is None
    assert local_location(SCHEMAS_DIR, "https://example.org/x.xsd") is None


def test_unmapped_remote_location_is_never_fetched(tmp_path: Path) -> None:
    (tmp_path / "part.xsd").write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t">'
        '<xs:import namespace="urn:r" schemaLocation="https://example.org/r.xsd"/>'
        '</xs:schema>', encoding="utf-8")
    (tmp_path / "entry.xsd").write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t">'
        '<xs:include schemaLocation="part.xsd"/></xs:schema>', encoding="utf-8")
    with pytest.raises(SchemaLocationError, match=r"block access to remote resource"):
        compile_xmlschema(tmp_path, Path("entry.xsd"))
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_OfflineResolver(tmp_path))
    # libxml2 reports the refused import as a schema parse error when it is nested.
    with pytest.raises((SchemaLocationError, etree.XMLSchemaParseError), match=r"example\.org"):
        etree.XMLSchema(etree.parse(str(tmp_path / "entry.xsd"), parser))


def test_schemas_are_found_through_the_configured_directory(tmp_path: Path) -> None:
    # A copy elsewhere works the same: nothing is located relative to the code.
    copy = tmp_path / "schemas"
    shutil.copytree(SCHEMAS_DIR, copy)
    schemas = MessageSchemas(copy)
    assert schemas.dir == copy.resolve()
    assert str(schemas.portal.url).startswith(copy.resolve().as_uri())
    assert (copy / PORTAL_ENTRY).is_file()
