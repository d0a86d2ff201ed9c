/* nrt-csv.c: reads the reference CSVs and finds spike times, for the validation tests.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrt-csv.h"

#include <string.h>

NrtCsv *
nrt_csv_read (const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  if (!g_file_get_contents (path, &text, NULL, &error))
    g_error ("cannot read %s: %s", path, error->message);

  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  NrtCsv *csv = g_new0 (NrtCsv, 1);
  csv->names = g_strsplit (g_strstrip (lines[0]), ",", -1);
  csv->n_cols = g_strv_length (csv->names);
  guint n_lines = g_strv_length (lines);
  csv->data = g_new (double, (gsize) n_lines * csv->n_cols);
  for (guint l = 1; l < n_lines; l++)
    {
      const char *p = lines[l];
      if (*p == '\0')
        continue;
      for (guint c = 0; c < csv->n_cols; c++)
        {
          char *end;
          csv->data[(gsize) csv->n_rows * csv->n_cols + c] = g_ascii_strtod (p, &end);
          if (end == p || (c + 1 < csv->n_cols && *end != ','))
            g_error ("%s:%u: malformed number in column %u", path, l + 1, c + 1);
          p = end + 1;
        }
      csv->n_rows++;
    }
  return csv;
}

void
nrt_csv_free (NrtCsv *csv)
{
  if (csv == NULL)
    return;
  g_strfreev (csv->names);
  g_free (csv->data);
  g_free (csv);
}

int
nrt_csv_column (const NrtCsv *csv, const char *name)
{
  for (guint c = 0; c < csv->n_cols; c++)
    if (strcmp (csv->names[c], name) == 0)
      return (int) c;
  return -1;
}

char *
nrt_reference_path (const char *file)
{
  const char *root = g_getenv ("NRT_SOURCE_ROOT");
  if (root == NULL)
    root = NRT_SOURCE_ROOT;
  return g_build_filename (root, "tests", "reference", file, NULL);
}

GArray *
nrt_spike_times (const double *t, const double *v, guint n, double thr)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; i + 1 < n; i++)
    if (v[i] < thr && v[i + 1] >= thr)
      {
        double f = (thr - v[i]) / (v[i + 1] - v[i]);
        double ts = t[i] + f * (t[i + 1] - t[i]);
        g_array_append_val (out, ts);
      }
  return out;
}
