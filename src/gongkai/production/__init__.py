"""Making one report: the report input, papermill on warm kernels, nbconvert HTML, Chromium PDF, Word, print faces."""
