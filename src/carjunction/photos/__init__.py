"""Photo publication at a real yard's scale: originals in Git LFS, variants encoded once and named by content.

- **Originals** are Git LFS objects (.gitattributes: *.jpg/*.jpeg/*.webp/*.png under content/vehicles/),
  so a clone for editing YAML carries ~130-byte pointers, not gigabytes. The 49-car sample's small
  placeholder WebPs stay plain blobs, so CI and a fresh clone build the sample without any LFS object.
- **Identity** is the SHA-256 of a photo's bytes (identity.py). An LFS pointer holds it already
  (lfs.py), so a checkout without objects knows every photo's name without downloading one.
- **Variants** are WebP at the site's widths (encode.py), published once per hash at
  photos/<sha256[:20]>/<width>.webp with `Cache-Control: public, max-age=31536000, immutable`
  (bucket.py). A photo shared by two cars is one set of objects.
- **A deploy asks the bucket** (publish.py): photos/manifest.json lists every published hash with
  its width, height and widths. needed − held is fetched (`git lfs pull --include=…`, fetch.py),
  encoded in a process pool and uploaded; nothing else is downloaded, encoded or written.
- **Resumable**: a completion marker per photo (written after its variants) survives a killed run;
  the next run folds markers into the manifest and skips those photos. The manifest is written at
  checkpoints and at the end.
- **Garbage**: a published photo no car uses gets `unused_since`; after a grace period (7 days, far
  longer than any cached copy of a page) it is dropped from the manifest, then its variants deleted.
  A photo used again before then is un-marked and never re-encoded.
- **The page build** needs each photo's hash and size only (site/photos.py; the scheme is `variant_path`).
  Locally (`make serve`, `make build`, CI) local.py encodes the photos on disk once into a cache laid
  out as the bucket, so pages link the same URLs without AWS.
- **Deploy**: `carjunction deploy --photos` (or `CARJUNCTION_PHOTOS=1`) deploys the stack, publishes the
  photos, builds the pages from the manifest it leaves (carjunction.site.photos), then syncs the site; the
  sync never deletes under photos/.
"""
