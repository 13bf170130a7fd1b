"""OAI-PMH 2.0: the six verbs, their arguments and errors, resumption tokens, and the XML they answer with.

Paging is by page id (a cursor, not an offset), so records changing during a harvest neither
repeat nor go missing; the token is signed and carries its arguments and issue time, so a token
that was altered, belongs to another verb or has expired answers badResumptionToken.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Mapping
from xml.etree.ElementTree import Element, SubElement, register_namespace, tostring

from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django.utils import timezone

from publications.models import PublicationPage
from repository import metadata, records
from repository.models import OaiRecord

logger = logging.getLogger(__name__)

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
RESUMPTION_SALT = "repository.oai.resumption"
for _prefix, _uri in (
    ("", OAI_NS),
    ("oai_dc", metadata.OAI_DC_NS),
    ("dc", metadata.DC_NS),
    ("datacite", metadata.DATACITE_NS),
    ("xsi", metadata.XSI_NS),
):
    register_namespace(_prefix, _uri)

# Required and optional arguments of each verb (besides "verb"); resumptionToken is exclusive.
VERBS: dict[str, tuple[set[str], set[str]]] = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
}


class OaiError(Exception):
    """An OAI-PMH error condition: its code and a message a harvester's operator can act on."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def repository_identifier() -> str:
    return settings.OAI_REPOSITORY_IDENTIFIER


def oai_identifier(page_id: int) -> str:
    """oai:<repository>:publication/<id>, the OAI identifier scheme's syntax."""
    return f"oai:{repository_identifier()}:publication/{page_id}"


def page_id_of(identifier: str) -> int:
    """The page id an identifier names; idDoesNotExist when it is not one of ours."""
    prefix = f"oai:{repository_identifier()}:publication/"
    number = identifier[len(prefix) :] if identifier.startswith(prefix) else ""
    if not (number.isascii() and number.isdigit() and len(number) <= 18):
        raise OaiError("idDoesNotExist", f"{identifier!r} is not an identifier of this repository.")
    return int(number)


def utc_stamp(moment: datetime.datetime) -> str:
    """The protocol's seconds granularity: YYYY-MM-DDThh:mm:ssZ."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_stamp(name: str, value: str) -> tuple[datetime.datetime, str]:
    """(moment, granularity) of a from/until argument; badArgument for anything else."""
    for pattern, granularity in (("%Y-%m-%d", "day"), ("%Y-%m-%dT%H:%M:%SZ", "seconds")):
        try:
            moment = datetime.datetime.strptime(value, pattern).replace(tzinfo=datetime.UTC)
        except ValueError:
            continue
        expected = 10 if granularity == "day" else 20  # strptime accepts 2024-1-5: the protocol does not
        if len(value) == expected:
            return moment, granularity
    raise OaiError("badArgument", f"{name}={value!r} is not a date (YYYY-MM-DD) or a UTC time (YYYY-MM-DDThh:mm:ssZ).")


def parse_arguments(query: Mapping[str, list[str]]) -> tuple[str, dict[str, str]]:
    """The verb and its arguments, checked against the protocol (badVerb, badArgument)."""
    verbs = query.get("verb", [])
    if len(verbs) != 1:
        raise OaiError("badVerb", "Give exactly one verb." if verbs else "The verb argument is missing.")
    verb = verbs[0]
    if verb not in VERBS:
        raise OaiError("badVerb", f"{verb!r} is not an OAI-PMH verb.")
    required, optional = VERBS[verb]
    arguments: dict[str, str] = {}
    for name, values in query.items():
        if name == "verb":
            continue
        if name not in required | optional:
            raise OaiError("badArgument", f"{verb} does not take the argument {name!r}.")
        if len(values) != 1:
            raise OaiError("badArgument", f"The argument {name!r} is repeated.")
        arguments[name] = values[0]
    if "resumptionToken" in arguments:
        if len(arguments) > 1:
            raise OaiError("badArgument", "resumptionToken is an exclusive argument: give it alone with the verb.")
        return verb, arguments
    missing = sorted(required - arguments.keys())
    if missing:
        raise OaiError(
            "badArgument", f"{verb} needs the argument{'s' if len(missing) > 1 else ''} {', '.join(missing)}."
        )
    return verb, arguments


class Harvest:
    """One answered OAI-PMH request: parse, select, page and write the response."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.now = timezone.now()
        self.base_url = request.build_absolute_uri(request.path)

    # ---- the envelope ------------------------------------------------------------------
    def envelope(self, verb: str = "", arguments: Mapping[str, str] | None = None) -> tuple[Element, Element]:
        root = Element(
            f"{{{OAI_NS}}}OAI-PMH",
            {f"{{{metadata.XSI_NS}}}schemaLocation": f"{OAI_NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"},
        )
        SubElement(root, f"{{{OAI_NS}}}responseDate").text = utc_stamp(self.now)
        # After badVerb or badArgument the request element carries no attributes (protocol 3.6).
        attributes = {"verb": verb, **(arguments or {})} if verb else {}
        request_element = SubElement(
            root, f"{{{OAI_NS}}}request", {k: metadata.xml_text(v) for k, v in attributes.items()}
        )
        request_element.text = self.base_url
        return root, request_element

    def respond(self) -> bytes:
        """The XML answer to the request (errors included: OAI-PMH answers them with 200)."""
        query = {name: self.request.GET.getlist(name) for name in self.request.GET}
        if self.request.method == "POST":
            query = {name: self.request.POST.getlist(name) for name in self.request.POST}
        try:
            verb, arguments = parse_arguments(query)
        except OaiError as error:
            root, _ = self.envelope()
            SubElement(root, f"{{{OAI_NS}}}error", {"code": error.code}).text = error.message
            return self.serialise(root)
        root, _ = self.envelope(verb, arguments)
        try:
            body = getattr(self, verb.lower() if verb != "GetRecord" else "get_record")(arguments)
        except OaiError as error:
            if error.code in ("badVerb", "badArgument"):
                root, _ = self.envelope()  # the arguments were not valid, so they are not echoed
            SubElement(root, f"{{{OAI_NS}}}error", {"code": error.code}).text = error.message
            return self.serialise(root)
        root.append(body)
        return self.serialise(root)

    @staticmethod
    def serialise(root: Element) -> bytes:
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="utf-8", xml_declaration=False)

    def element(self, name: str) -> Element:
        return Element(f"{{{OAI_NS}}}{name}")

    # ---- verbs -------------------------------------------------------------------------
    def identify(self, arguments: Mapping[str, str]) -> Element:
        body = self.element("Identify")
        earliest = records.public_publications().order_by("oai_datestamp").values_list("oai_datestamp", flat=True)
        tombstones = OaiRecord.objects.order_by("datestamp").values_list("datestamp", flat=True)
        candidates = [stamp for stamp in (earliest.first(), tombstones.first()) if stamp is not None]
        for name, value in (
            ("repositoryName", settings.OAI_REPOSITORY_NAME),
            ("baseURL", self.base_url),
            ("protocolVersion", "2.0"),
            ("adminEmail", settings.OAI_ADMIN_EMAIL),
            ("earliestDatestamp", utc_stamp(min(candidates) if candidates else self.now)),
            ("deletedRecord", "persistent"),
            ("granularity", "YYYY-MM-DDThh:mm:ssZ"),
        ):
            SubElement(body, f"{{{OAI_NS}}}{name}").text = value
        return body

    def listmetadataformats(self, arguments: Mapping[str, str]) -> Element:
        if "identifier" in arguments:
            self.find(page_id_of(arguments["identifier"]))  # every record has every format
        body = self.element("ListMetadataFormats")
        for fmt in metadata.FORMATS.values():
            element = SubElement(body, f"{{{OAI_NS}}}metadataFormat")
            SubElement(element, f"{{{OAI_NS}}}metadataPrefix").text = fmt.prefix
            SubElement(element, f"{{{OAI_NS}}}schema").text = fmt.schema
            SubElement(element, f"{{{OAI_NS}}}metadataNamespace").text = fmt.namespace
        return body

    def listsets(self, arguments: Mapping[str, str]) -> Element:
        if "resumptionToken" in arguments:
            # Sets fit in one answer, so this repository never issues a ListSets token.
            raise OaiError("badResumptionToken", "This repository issues no resumption tokens for ListSets.")
        body = self.element("ListSets")
        for oai_set in records.all_sets():
            element = SubElement(body, f"{{{OAI_NS}}}set")
            SubElement(element, f"{{{OAI_NS}}}setSpec").text = oai_set.spec
            SubElement(element, f"{{{OAI_NS}}}setName").text = metadata.xml_text(oai_set.name)
        return body

    def get_record(self, arguments: Mapping[str, str]) -> Element:
        fmt = self.metadata_format(arguments["metadataPrefix"])
        found = self.find(page_id_of(arguments["identifier"]))
        body = self.element("GetRecord")
        body.append(self.record(found, fmt))
        return body

    def listidentifiers(self, arguments: Mapping[str, str]) -> Element:
        return self.list_items("ListIdentifiers", arguments)

    def listrecords(self, arguments: Mapping[str, str]) -> Element:
        return self.list_items("ListRecords", arguments)

    # ---- shared --------------------------------------------------------------------------
    def metadata_format(self, prefix: str) -> metadata.MetadataFormat:
        if prefix not in metadata.FORMATS:
            raise OaiError(
                "cannotDisseminateFormat",
                f"{prefix!r} is not offered; the formats are {', '.join(metadata.FORMATS)}.",
            )
        return metadata.FORMATS[prefix]

    def find(self, page_id: int) -> PublicationPage | OaiRecord:
        page = records.public_publications().filter(pk=page_id).first()
        if page is not None:
            return page
        tombstone = OaiRecord.objects.filter(page_id=page_id, deleted=True).first()
        if tombstone is not None:
            return tombstone
        raise OaiError("idDoesNotExist", f"There is no record {oai_identifier(page_id)} in this repository.")

    def header(self, item: PublicationPage | OaiRecord) -> Element:
        if isinstance(item, OaiRecord):
            header = Element(f"{{{OAI_NS}}}header", {"status": "deleted"})
            identifier, stamp, specs = item.page_id, item.datestamp, item.set_specs.split()
        else:
            header = Element(f"{{{OAI_NS}}}header")
            identifier, stamp, specs = item.pk, item.oai_datestamp, records.page_set_specs(item)
        SubElement(header, f"{{{OAI_NS}}}identifier").text = oai_identifier(identifier)
        SubElement(header, f"{{{OAI_NS}}}datestamp").text = utc_stamp(stamp)
        for spec in specs:
            SubElement(header, f"{{{OAI_NS}}}setSpec").text = spec
        return header

    def record(self, item: PublicationPage | OaiRecord, fmt: metadata.MetadataFormat) -> Element:
        element = Element(f"{{{OAI_NS}}}record")
        element.append(self.header(item))
        if isinstance(item, PublicationPage):
            container = SubElement(element, f"{{{OAI_NS}}}metadata")
            container.append(fmt.write(metadata.publication_facts(item, self.request)))
        return element

    def list_items(self, verb: str, arguments: Mapping[str, str]) -> Element:
        if "resumptionToken" in arguments:
            state = self.read_token(verb, arguments["resumptionToken"])
        else:
            state = self.first_state(arguments)
        fmt = self.metadata_format(state["m"])
        since = datetime.datetime.fromisoformat(state["f"]) if state["f"] else None
        before = datetime.datetime.fromisoformat(state["u"]) if state["u"] else None
        public, deleted = records.selected(spec=state["s"], since=since, before=before)
        if state["n"] is None:
            state["n"] = public.count() + deleted.count()
        size = settings.OAI_PAGE_SIZE
        pages = list(public.filter(pk__gt=state["a"]).order_by("pk")[: size + 1])
        stones = list(deleted.filter(page_id__gt=state["a"]).order_by("page_id")[: size + 1])
        items = sorted([*pages, *stones], key=lambda item: item.page_id if isinstance(item, OaiRecord) else item.pk)
        more = len(items) > size
        items = items[:size]
        if not items:
            if state["c"] == 0:
                raise OaiError("noRecordsMatch", "No record matches these arguments.")
            raise OaiError("badResumptionToken", "This token's list has changed: start the harvest again.")
        body = self.element(verb)
        for item in items:
            body.append(self.header(item) if verb == "ListIdentifiers" else self.record(item, fmt))
        if more or state["c"]:
            last = items[-1]
            complete = max(state["n"], state["c"] + len(items))
            token = SubElement(
                body,
                f"{{{OAI_NS}}}resumptionToken",
                {"completeListSize": str(complete), "cursor": str(state["c"])},
            )
            if more:
                next_state = {**state, "a": last.page_id if isinstance(last, OaiRecord) else last.pk}
                next_state["c"] = state["c"] + len(items)
                token.text = signing.dumps({**next_state, "v": verb}, salt=RESUMPTION_SALT, compress=True)
                token.set("expirationDate", utc_stamp(self.now + self.token_lifetime()))
        return body

    @staticmethod
    def token_lifetime() -> datetime.timedelta:
        return datetime.timedelta(hours=settings.OAI_RESUMPTION_TOKEN_HOURS)

    def first_state(self, arguments: Mapping[str, str]) -> dict:
        self.metadata_format(arguments["metadataPrefix"])
        spec = arguments.get("set", "")
        if spec and not records.set_exists(spec):
            raise OaiError("badArgument", f"There is no set {spec!r}; ListSets names them.")
        since = until = None
        granularities = set()
        if "from" in arguments:
            since, granularity = parse_stamp("from", arguments["from"])
            granularities.add(granularity)
        if "until" in arguments:
            until, granularity = parse_stamp("until", arguments["until"])
            granularities.add(granularity)
            # "until" includes the whole day, or the whole second (datestamps carry fractions).
            until += datetime.timedelta(days=1) if granularity == "day" else datetime.timedelta(seconds=1)
        if len(granularities) > 1:
            raise OaiError("badArgument", "from and until must have the same granularity.")
        if since is not None and until is not None and since >= until:
            raise OaiError("badArgument", "from is later than until.")
        return {
            "m": arguments["metadataPrefix"],
            "s": spec,
            "f": since.isoformat() if since else "",
            "u": until.isoformat() if until else "",
            "a": 0,
            "c": 0,
            "n": None,
        }

    def read_token(self, verb: str, token: str) -> dict:
        try:
            state = signing.loads(token, salt=RESUMPTION_SALT, max_age=self.token_lifetime().total_seconds())
        except signing.SignatureExpired as error:
            raise OaiError(
                "badResumptionToken", "This resumption token has expired: start the harvest again."
            ) from error
        except signing.BadSignature as error:
            raise OaiError("badResumptionToken", "This resumption token is not one this repository issued.") from error
        if not isinstance(state, dict) or state.pop("v", None) != verb:
            raise OaiError("badResumptionToken", f"This resumption token does not belong to {verb}.")
        return state
