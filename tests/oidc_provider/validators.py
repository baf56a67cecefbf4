import json
import os

from oauth2_provider.oauth2_validators import OAuth2Validator

ROLE_CLAIM = os.environ.get("OP_ROLE_CLAIM", "vendorpilot_role")


class RoleClaimValidator(OAuth2Validator):
    """Puts e-mail, name and the VendorPilot role claim into the ID token (and userinfo)."""

    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, ROLE_CLAIM: "openid"}

    def get_additional_claims(self, request):
        roles = json.loads(os.environ["OP_USERS"])
        user = request.user
        claims = {"email": user.email, "email_verified": True, "name": user.get_full_name()}
        role = roles.get(user.email, {}).get("role")
        if role is not None:
            claims[ROLE_CLAIM] = role
        return claims
