"""The register function: sign-up, sign-in by e-mail link, sign-out, and the member's own data."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from carjunction.api.deps import Deps
from carjunction.api.logic.manage_alerts import create_alert, delete_alert, list_alerts, update_alert
from carjunction.api.logic.manage_me import confirm_updates, erase_me, export_me, member_out, unsubscribe, update_me
from carjunction.api.logic.register_member import register_member
from carjunction.api.logic.sign_in import preview_link, request_sign_in, sign_in, sign_out
from carjunction.api.routes.common import (
    MEMBER_ONLY,
    client_address,
    current_member,
    documented,
    json_response,
    member_cookie,
    new_resolver,
    require_member,
)
from carjunction.api.schemas import (
    Accepted,
    AlertIn,
    AlertList,
    AlertOut,
    AlertPatch,
    ExportOut,
    LinkPreview,
    MemberIn,
    MemberOut,
    MemberPatch,
    SessionIn,
    SignedIn,
    SignInLinkIn,
    UnsubscribeOut,
    UpdatesIn,
    UpdatesOut,
)
from carjunction.api.store.db import Item

ACCEPTED = Accepted(status="accepted")
# A u1 token (all update mails) or an a1 token (one to five alerts of 8 characters, make_ids' alphabet in lower
# case): refused by shape before any signature is computed. The longest, a1 with five alerts, is 132 characters.
UNSUBSCRIBE_SHAPE = (
    r"^(u1\.[a-z0-9]{1,40}|a1\.[a-z0-9]{1,40}\.[0-9a-hjkmnp-tv-z]{8}(-[0-9a-hjkmnp-tv-z]{8}){0,4})"
    r"\.[A-Za-z0-9_-]{43}$"
)
AlertId = Annotated[str, Path(pattern=r"^[0-9a-hjkmnp-tv-z]{8}$")]


def build(deps: Deps) -> APIGatewayHttpResolver:
    app = new_resolver(deps)

    def signed_in() -> Item:
        return require_member(app, deps, "Sign in first.")

    @app.post(
        "/api/members",
        tags=["members"],
        summary="Become a member: mails a link that confirms the address; no session before that",
        responses=documented(
            HTTPStatus.ACCEPTED,
            "Accepted, the same for every address: a new one gets a confirmation link, a member's a sign-in link.",
            Accepted,
        ),
    )
    def post_member(body: MemberIn) -> Response[Accepted]:
        register_member(deps, body, client_address(app, deps))
        return json_response(HTTPStatus.ACCEPTED, ACCEPTED)

    @app.post(
        "/api/session/link",
        tags=["members"],
        summary="E-mail a one-time sign-in link",
        responses=documented(HTTPStatus.ACCEPTED, "Accepted, whether or not the address is a member's.", Accepted),
    )
    def post_session_link(body: SignInLinkIn) -> Response[Accepted]:
        request_sign_in(deps, str(body.email), client_address(app, deps))
        return json_response(HTTPStatus.ACCEPTED, ACCEPTED)

    @app.post(
        "/api/session/preview",
        tags=["members"],
        summary="Which address a sign-in or sign-up link signs into, without using it",
    )
    def post_session_preview(body: SessionIn) -> Response[LinkPreview]:
        return json_response(HTTPStatus.OK, preview_link(deps, body.token))

    @app.post("/api/session", tags=["members"], summary="Sign in, or confirm a sign-up, with the token from the link")
    def post_session(body: SessionIn) -> Response[SignedIn]:
        token, member = sign_in(deps, body.token)
        signed = SignedIn(member_id=str(member["member_id"]))
        return json_response(HTTPStatus.OK, signed, cookies=[member_cookie(deps, token)])

    @app.post("/api/updates", tags=["members"], summary="Confirm the updates opt-in with the token from its link")
    def post_updates(body: UpdatesIn) -> Response[UpdatesOut]:
        return json_response(HTTPStatus.OK, confirm_updates(deps, body.token))

    @app.post(
        "/api/unsubscribe",
        tags=["members"],
        summary="Stop updates, or pause a mail's alerts, in one click (RFC 8058), without signing in",
    )
    def post_unsubscribe(
        token: Annotated[str, Query(min_length=10, max_length=140, pattern=UNSUBSCRIBE_SHAPE)],
    ) -> Response[UnsubscribeOut]:
        return json_response(HTTPStatus.OK, unsubscribe(deps, token))

    @app.delete(
        "/api/session",
        tags=["members"],
        summary="Sign out on every device",
        responses=documented(HTTPStatus.NO_CONTENT, "Signed out; the cookie is cleared."),
    )
    def delete_session() -> Response[None]:
        sign_out(deps, current_member(app, deps))
        return Response(
            status_code=HTTPStatus.NO_CONTENT,
            headers={"Cache-Control": "no-store"},
            cookies=[member_cookie(deps, "", 0)],
        )

    @app.get("/api/me", tags=["members"], summary="The member's details, to prefill forms", security=MEMBER_ONLY)
    def get_me() -> Response[MemberOut]:
        return json_response(HTTPStatus.OK, member_out(signed_in()))

    @app.patch("/api/me", tags=["members"], summary="Correct the member's details", security=MEMBER_ONLY)
    def patch_me(body: MemberPatch) -> Response[MemberOut]:
        return json_response(HTTPStatus.OK, update_me(deps, signed_in(), body))

    @app.delete(
        "/api/me",
        tags=["members"],
        summary="Erase the membership; orders are kept without personal data",
        security=MEMBER_ONLY,
        responses=documented(HTTPStatus.NO_CONTENT, "Erased; the cookie is cleared."),
    )
    def delete_me() -> Response[None]:
        erase_me(deps, signed_in())
        return Response(
            status_code=HTTPStatus.NO_CONTENT,
            headers={"Cache-Control": "no-store"},
            cookies=[member_cookie(deps, "", 0)],
        )

    @app.get(
        "/api/me/export", tags=["members"], summary="Everything we hold about the member, as JSON", security=MEMBER_ONLY
    )
    def get_export() -> Response[ExportOut]:
        return json_response(HTTPStatus.OK, export_me(deps, signed_in()))

    @app.get(
        "/api/me/alerts",
        tags=["alerts"],
        summary="The member's saved searches, and whether their mails can go (updates on)",
        security=MEMBER_ONLY,
    )
    def get_alerts() -> Response[AlertList]:
        return json_response(HTTPStatus.OK, list_alerts(deps, signed_in()))

    @app.post(
        "/api/me/alerts",
        tags=["alerts"],
        summary="Save a stock search as an alert: mails about new cars that match it",
        security=MEMBER_ONLY,
        responses={
            **documented(HTTPStatus.OK, "The member already has an alert with these filters: that one.", AlertOut),
            **documented(HTTPStatus.CREATED, "Saved.", AlertOut),
        },
    )
    def post_alert(body: AlertIn) -> Response[AlertOut]:
        created, alert = create_alert(deps, signed_in(), body)
        return json_response(HTTPStatus.CREATED if created else HTTPStatus.OK, alert)

    @app.patch(
        "/api/me/alerts/<alert_id>",
        tags=["alerts"],
        summary="Rename, pause or resume one of the member's alerts",
        security=MEMBER_ONLY,
    )
    def patch_alert(alert_id: AlertId, body: AlertPatch) -> Response[AlertOut]:
        return json_response(HTTPStatus.OK, update_alert(deps, signed_in(), alert_id, body))

    @app.delete(
        "/api/me/alerts/<alert_id>",
        tags=["alerts"],
        summary="Delete one of the member's alerts",
        security=MEMBER_ONLY,
        responses=documented(HTTPStatus.NO_CONTENT, "Deleted."),
    )
    def delete_one_alert(alert_id: AlertId) -> Response[None]:
        delete_alert(deps, signed_in(), alert_id)
        return Response(status_code=HTTPStatus.NO_CONTENT, headers={"Cache-Control": "no-store"})

    return app
