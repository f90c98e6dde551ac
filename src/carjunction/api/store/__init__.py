"""DynamoDB only: one module per entity. Keys live here and nowhere else.

One table, single-table style (pk, sk), TTL attribute ``expires_at``:

- member: ``MEMBER#<id>`` / ``PROFILE``; gsi1 ``MEMBER`` / ``<created>#<id>``
- e-mail claim (uniqueness): ``EMAIL#<normalised address>`` / ``EMAIL``
- inquiry: ``MEMBER#<id>`` (signed in) or ``INQUIRY#<ref>`` / ``INQUIRY#<received>#<ref>``;
  gsi1 ``INQUIRY`` / ``<received>#<ref>``
- order: ``MEMBER#<id>`` / ``ORDER#<order no>``; gsi1 ``ORDER`` / ``<created>#<order no>``
- invoice code: ``INVOICE#<code>`` / ``INVOICE`` (public facts only)
- vehicle (catalogue copy + live state): ``VEHICLE#<stock no>`` / ``VEHICLE``; gsi1 ``VEHICLE`` / ``<stock no>``;
  gsi2 ``STOCK#RESERVED`` / ``<reserved until>`` while reserved, ``STOCK#SOLD`` / ``<stock no>`` when sold
- sign-in token: ``TOKEN#<keyed hash>`` / ``TOKEN``, expires_at = issue + 15 min
- rate counter: ``RATE#<bucket>#<keyed hash of client>`` / ``<window start>``, expires_at = 2 windows
"""
