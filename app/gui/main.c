/* main.c: the neurite executable: sets up translations and runs NrtApplication.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrt-ui-config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "nrt-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(NrtApplication) app = NULL;
  const char *localedir;

  /* NEURITE_LOCALEDIR points at other catalogues, such as the build tree's po/ (meson devenv
   * sets it), so that translations can be seen without installing. */
  localedir = g_getenv ("NEURITE_LOCALEDIR");
  if (localedir == NULL || *localedir == '\0')
    localedir = NRT_LOCALEDIR;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name ("Neurite");

  app = nrt_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
