"""DynamoDB only: one module per entity. Keys live here and nowhere else.

| entity          | pk                    | sk                         | gsi1 (staff lists)        | gsi2 (live stock)           |
|-----------------|-----------------------|----------------------------|---------------------------|-----------------------------|
| member          | MEMBER#<id>           | PROFILE                    | MEMBER / <created>#<id>   |                             |
| e-mail claim    | EMAIL#<normalised>    | EMAIL                      |                           |                             |
| inquiry         | MEMBER#<id> or INQUIRY#<ref> | INQUIRY#<received>#<ref> | INQUIRY / <received>#<ref> |                          |
| order           | MEMBER#<id>           | ORDER#<order no>           | ORDER / <created>#<no>    |                             |
| invoice code    | INVOICE#<code>        | INVOICE                    |                           |                             |
| vehicle         | VEHICLE#<stock no>    | VEHICLE                    |                           | STOCK#RESERVED / <until>, STOCK#SOLD / <stock no> |
| sign-in token   | TOKEN#<keyed hash>    | TOKEN                      |                           |                             |
| rate counter    | RATE#<bucket>#<hash>  | <window start>             |                           |                             |
"""
