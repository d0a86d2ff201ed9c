/* nrt-make-models.c: writes the example models of models/ with Neurite's own writer.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: nrt-make-models OUTDIR   (the build runs it for tests; commit its output to models/)
 */
#include <stdio.h>
#include "nrt-neuroml.h"
#include "nrt-io-models.h"

int
main (int argc, char **argv)
{
  if (argc != 2)
    {
      fprintf (stderr, "usage: %s OUTDIR\n", argv[0]);
      return 2;
    }
  for (const NrtIoExample *ex = nrt_io_examples; ex->file; ex++)
    {
      g_autoptr (NrtModel) m = ex->build ();
      g_autoptr (GError) error = NULL;
      g_autofree char *path = g_build_filename (argv[1], ex->file, NULL);
      if (!nrt_neuroml_write_file (m, path, &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      printf ("%s\n", path);
    }
  return 0;
}
