/* nrt-ui-test.h: what every UI test program needs: trapped subprocesses, waiting for a window
 * to paint, and screenshots into the build folder.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Anything that spins the main loop runs in a subprocess with this timeout, so a hang fails
 * the test instead of blocking the suite. */
#define NRT_UI_TRAP_TIMEOUT (90 * G_USEC_PER_SEC)

typedef struct {
  void        (*body)    (void);
  gboolean    (*can_run) (void);   /* NULL: always */
  const char   *skip_reason;
} NrtTrappedTest;

/* The g_test data function for an NrtTrappedTest. */
void nrt_ui_test_run_trapped (gconstpointer data);

#define NRT_UI_ADD_TRAPPED(path, ...) \
  G_STMT_START { \
    static const NrtTrappedTest test_ = { __VA_ARGS__ }; \
    g_test_add_data_func (path, &test_, nrt_ui_test_run_trapped); \
  } G_STMT_END

/* g_test_init(), and in the trapped subprocess (the only one that opens the display)
 * adw_init() with the application's style sheet, as AdwApplication would load it. */
void nrt_ui_test_init (int    *argc,
                       char ***argv);

/* Presents window and spins until it is mapped and has painted three times. */
void  nrt_ui_test_show_and_wait (GtkWindow *window);
/* (transfer full) G_TEST_BUILDDIR/screenshots/name (build/tests/screenshots), the folder created. */
char *nrt_ui_test_screenshot_path (const char *name);
/* Renders widget (a window's content, over the window background) to a PNG screenshot. */
void  nrt_ui_test_save_screenshot (GtkWidget *widget, const char *name);

G_END_DECLS
