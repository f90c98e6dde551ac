"""The register function: sign-up, sign-in by e-mail link, sign-out, and the member's own data."""

from __future__ import annotations

from http import HTTPStatus

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response

from carjunction.api.deps import Deps
from carjunction.api.logic.manage_me import erase_me, export_me, member_out, update_me
from carjunction.api.logic.register_member import register_member
from carjunction.api.logic.sign_in import request_sign_in, sign_in, sign_out
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
    MemberIn,
    MemberOut,
    MemberPatch,
    SessionIn,
    SignedIn,
    SignInLinkIn,
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
        summary="Become a member; sets the member cookie",
        responses=documented(
            HTTPStatus.ACCEPTED, "Accepted; an address already registered gets a sign-in link.", Accepted
        ),
    )
    def post_member(body: MemberIn) -> Response[Accepted]:
        token = register_member(deps, body, client_address(app, deps))
        return json_response(HTTPStatus.ACCEPTED, ACCEPTED, cookies=[member_cookie(deps, token)])

    @app.post(
        "/api/session/link",
        tags=["members"],
        summary="E-mail a one-time sign-in link",
        responses=documented(HTTPStatus.ACCEPTED, "Accepted, whether or not the address is a member's.", Accepted),
    )
    def post_session_link(body: SignInLinkIn) -> Response[Accepted]:
        request_sign_in(deps, str(body.email), client_address(app, deps))
        return json_response(HTTPStatus.ACCEPTED, ACCEPTED)

    @app.post("/api/session", tags=["members"], summary="Sign in with the token from the link")
    def post_session(body: SessionIn) -> Response[SignedIn]:
        token = sign_in(deps, body.token)
        member_id = token.split(".")[1]
        return json_response(HTTPStatus.OK, SignedIn(member_id=member_id), cookies=[member_cookie(deps, token)])

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
