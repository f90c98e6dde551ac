"""The register function: sign-up, sign-in by e-mail link, sign-out, and the member's own data."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from carjunction.api.deps import Deps
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
        summary="Stop updates in one click (RFC 8058), without signing in",
    )
    def post_unsubscribe(
        token: Annotated[str, Query(min_length=10, max_length=200, pattern=r"^u1\.[a-z0-9]{1,40}\.[A-Za-z0-9_-]{43}$")],
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

    return app
