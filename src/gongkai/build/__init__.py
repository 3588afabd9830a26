"""How pages are produced: papermill on warm kernels, executors, bulk runs, fingerprints, manifest, rendering."""
