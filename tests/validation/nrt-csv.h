/* nrt-csv.h: a minimal reader for the reference CSV files (header line, then numbers).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint    n_cols;
  guint    n_rows;
  char   **names;   /* n_cols column names */
  double  *data;    /* row-major, n_rows * n_cols */
} NrtCsv;

/* (transfer full) Aborts the test on a malformed file. */
NrtCsv *nrt_csv_read (const char *path);
void    nrt_csv_free (NrtCsv *csv);
int     nrt_csv_column (const NrtCsv *csv, const char *name);
static inline double
nrt_csv_get (const NrtCsv *csv, guint row, guint col)
{
  return csv->data[(gsize) row * csv->n_cols + col];
}
/* The directory of the committed references: $NRT_SOURCE_ROOT/tests/reference. */
char   *nrt_reference_path (const char *file);
/* Upward crossings of thr, linearly interpolated between samples (as nrnref.py does). */
GArray *nrt_spike_times (const double *t, const double *v, guint n, double thr);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NrtCsv, nrt_csv_free)

G_END_DECLS
