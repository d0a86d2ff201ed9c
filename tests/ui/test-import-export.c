/* test-import-export.c: the main window's File → Import (SWC, in the background, with progress)
 * and File → Export (NeuroML folder, hoc, Python), and the ChannelBuilder's expression rate
 * form and channel files, under Xvfb.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The CA1 cell comes from NRT_SHARED_DIR/morphology/c91662.swc; the tests that need it skip,
 * saying so, when it is absent.
 */
#include <adwaita.h>
#include <glib/gstdio.h>

#include <math.h>
#include <string.h>

#include "nrt-ui-test.h"
#include "nrt-channel-builder.h"
#include "nrt-expr.h"
#include "nrt-neuroml.h"
#include "nrt-neuroml-folder.h"
#include "nrt-window-io.h"
#include "nrt-window-private.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NrtModelData, nrt_model_data_free)

/* ---- helpers ---------------------------------------------------------------------- */

static char *
ca1_path (void)
{
  const char *shared = g_getenv ("NRT_SHARED_DIR");

  if (shared == NULL)
    return NULL;
  return g_build_filename (shared, "morphology", "c91662.swc", NULL);
}

static gboolean
have_ca1 (void)
{
  g_autofree char *path = ca1_path ();

  return path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

static void
spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Spins until the window's import has finished (success, error or cancel). */
static void
wait_for_import (NrtWindow *main)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (nrt_window_get_importing (main))
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (200);
      if (g_get_monotonic_time () > deadline)
        g_error ("the import did not finish");
    }
  spin ();
}

static GtkWidget *
find_named (GtkWidget *widget, const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_named (c, name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Whether the import bar (progress and Cancel, under the menu bar) is revealed. */
static gboolean
bar_revealed (NrtWindow *main)
{
  GtkWidget *bar = find_named (GTK_WIDGET (main), "nrt-import-bar");

  g_assert_nonnull (bar);
  return gtk_revealer_get_reveal_child (GTK_REVEALER (bar));
}

static void
count (NrtModel *model, guint *n_sections, guint *n_segments)
{
  const NrtModelData *data = nrt_model_get_data (model);

  *n_sections = data->sections->len;
  *n_segments = 0;
  for (guint i = 0; i < data->sections->len; i++)
    *n_segments += ((NrtSection *) data->sections->pdata[i])->nseg;
}

static char *
tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("nrt-import-export-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

/* ---- SWC import -------------------------------------------------------------------- */

static void
import_ca1 (void)
{
  NrtWindow *main = nrt_window_new (NULL);
  g_autofree char *path = ca1_path ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  NrtModel *before = nrt_window_get_model (main);
  g_autofree char *dir = tmp_dir ();
  g_autoptr(GError) error = NULL;
  guint n_sections, n_segments, n_updates = 0;
  gboolean shown = FALSE;
  double fraction;

  nrt_ui_test_show_and_wait (GTK_WINDOW (main));
  nrt_window_import_swc (main, file);
  g_assert_true (nrt_window_get_importing (main));
  /* The bar is on screen while the worker reads. */
  g_assert_true (bar_revealed (main));
  wait_for_import (main);
  g_assert_false (bar_revealed (main));

  fraction = nrt_window_get_import_progress (main, &n_updates, &shown);
  g_assert_true (shown);
  g_assert_cmpuint (n_updates, >=, 2);
  g_assert_cmpfloat (fraction, ==, 1.0);
  g_assert_null (nrt_window_get_import_error (main));

  /* A new, untitled, modified document named after the file. */
  g_assert_true (nrt_window_get_model (main) != before);
  g_assert_null (nrt_window_get_file (main));
  g_assert_true (nrt_model_is_modified (nrt_window_get_model (main)));
  g_assert_cmpstr (nrt_model_get_data (nrt_window_get_model (main))->name, ==, "c91662");
  count (nrt_window_get_model (main), &n_sections, &n_segments);
  g_test_message ("c91662.swc through the window: %u sections, %u segments", n_sections, n_segments);
  g_assert_cmpuint (n_sections, ==, 194);
  g_assert_cmpuint (n_segments, ==, 740);
  g_assert_nonnull (strstr (gtk_label_get_text (_nrt_window_get_summary (main)), "194"));
  nrt_ui_test_show_and_wait (GTK_WINDOW (main));
  nrt_ui_test_save_screenshot (GTK_WIDGET (main), "import-ca1.png");

  /* File → Export → NeuroML Folder, read back: the same model. */
  {
    g_autoptr(GFile) folder = g_file_new_for_path (dir);
    g_autofree char *lems = nrt_neuroml_folder_lems_path (dir, "c91662");
    g_autoptr(NrtModel) back = NULL;

    g_assert_true (nrt_window_export_neuroml_folder (main, folder, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_test (lems, G_FILE_TEST_IS_REGULAR));
    back = nrt_neuroml_read_file (lems, &error);
    g_assert_no_error (error);
    count (back, &n_sections, &n_segments);
    g_assert_cmpuint (n_sections, ==, 194);
    g_assert_cmpuint (n_segments, ==, 740);
    g_assert_true (nrt_model_data_equal (nrt_model_get_data (nrt_window_get_model (main)),
                                         nrt_model_get_data (back)));
  }

  /* File → Export → hoc (both forms) and Python write runnable files. */
  {
    static const struct { const char *name, *needle; int form; } hoc[] = {
      { "cell-celldef.hoc", "proc celldef()", NRT_HOC_FORM_CELLDEF },
      { "cell-class.hoc", "begintemplate", NRT_HOC_FORM_CLASS },
    };
    for (guint i = 0; i < G_N_ELEMENTS (hoc); i++)
      {
        g_autofree char *p = g_build_filename (dir, hoc[i].name, NULL);
        g_autoptr(GFile) f = g_file_new_for_path (p);
        g_autofree char *text = NULL;

        g_assert_true (nrt_window_export_hoc (main, f, hoc[i].form, &error));
        g_assert_no_error (error);
        g_assert_true (g_file_get_contents (p, &text, NULL, NULL));
        g_assert_nonnull (strstr (text, hoc[i].needle));
        g_assert_nonnull (strstr (text, "dend[12]"));
      }
    {
      g_autofree char *p = g_build_filename (dir, "cell.py", NULL);
      g_autoptr(GFile) f = g_file_new_for_path (p);
      g_autofree char *text = NULL;

      g_assert_true (nrt_window_export_python (main, f, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (p, &text, NULL, NULL));
      g_assert_nonnull (strstr (text, "from neuron import h"));
    }
  }
  remove_tree (dir);
  gtk_window_destroy (GTK_WINDOW (main));
}

/* A bad file: a line-numbered message, and the window keeps its model as it was. */
static void
import_malformed (void)
{
  NrtWindow *main = nrt_window_new (NULL);
  NrtModel *before = nrt_window_get_model (main);
  g_autoptr(NrtModelData) copy = nrt_model_data_copy (nrt_model_get_data (before));
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "bad.swc", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  guint toasts;
  const char *message;

  /* Sample 3 has a negative radius. */
  g_assert_true (g_file_set_contents (path,
                                      "# bad\n"
                                      "1 1 0 0 0 5 -1\n"
                                      "2 3 0 10 0 1 1\n"
                                      "3 3 0 20 0 -1 2\n", -1, NULL));
  nrt_ui_test_show_and_wait (GTK_WINDOW (main));
  toasts = _nrt_window_get_n_toasts (main);
  nrt_window_import_swc (main, file);
  wait_for_import (main);

  message = nrt_window_get_import_error (main);
  g_assert_nonnull (message);
  g_test_message ("%s", message);
  g_assert_nonnull (strstr (message, "bad.swc"));
  g_assert_nonnull (strstr (message, ":4"));
  g_assert_cmpuint (_nrt_window_get_n_toasts (main), ==, toasts + 1);
  g_assert_true (nrt_window_get_model (main) == before);
  g_assert_true (nrt_model_data_equal (copy, nrt_model_get_data (before)));
  g_assert_false (nrt_model_is_modified (before));

  /* File → Import → SWC on a modified model asks to save first, as File → Open does;
   * Cancel leaves everything as it was. */
  {
    GListModel *toplevels = gtk_window_get_toplevels ();
    AdwMessageDialog *dialog = NULL;
    g_autoptr(GError) e = NULL;

    g_assert_true (nrt_model_set_name (before, "edited", &e));
    g_assert_true (nrt_model_is_modified (before));
    gtk_widget_activate_action (GTK_WIDGET (main), "win.import-swc", NULL);
    spin ();
    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);
        if (ADW_IS_MESSAGE_DIALOG (w)
            && gtk_window_get_transient_for (GTK_WINDOW (w)) == GTK_WINDOW (main))
          dialog = ADW_MESSAGE_DIALOG (w);
      }
    g_assert_nonnull (dialog);
    g_assert_true (adw_message_dialog_has_response (dialog, "save"));
    adw_message_dialog_response (dialog, "cancel");
    spin ();
    g_assert_false (nrt_window_get_importing (main));
    g_assert_true (nrt_window_get_model (main) == before);
    g_assert_cmpstr (nrt_model_get_data (before)->name, ==, "edited");
  }

  g_unlink (path);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (main));
}

/* A long synthetic reconstruction: the bar mid-way (screenshot), then Cancel, which keeps the
 * model. */
static void
import_progress_cancel (void)
{
  NrtWindow *main = nrt_window_new (NULL);
  NrtModel *before = nrt_window_get_model (main);
  g_autoptr(NrtModelData) copy = nrt_model_data_copy (nrt_model_get_data (before));
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "long-axon.swc", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GString) text = g_string_new ("# a soma and a long branching tree\n1 1 0 0 0 10 -1\n");
  gint64 deadline;
  guint n_updates = 0;
  gboolean shown = FALSE;
  double fraction = 0;
  const guint n = 400000;

  /* A binary-ish tree: every 50th sample starts a side branch from the previous one. */
  for (guint i = 2; i <= n; i++)
    g_string_append_printf (text, "%u %d %g %g %g 0.5 %u\n", i, 3 + (i % 2),
                            (double) (i % 97), (double) i * 0.5, (double) (i % 13),
                            i % 50 == 0 ? i - 25 : i - 1);
  g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));

  nrt_ui_test_show_and_wait (GTK_WINDOW (main));
  nrt_window_import_swc (main, file);
  /* Wait until the bar has moved, then look at it. */
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (nrt_window_get_importing (main)
         && (fraction = nrt_window_get_import_progress (main, &n_updates, &shown)) < 0.05)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (200);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  if (nrt_window_get_importing (main))
    {
      /* Let the revealer finish sliding in before the picture. */
      g_assert_true (bar_revealed (main));
      nrt_ui_test_show_and_wait (GTK_WINDOW (main));
      g_usleep (300000);
      spin ();
      nrt_ui_test_save_screenshot (GTK_WIDGET (main), "import-progress.png");
      gtk_widget_activate_action (GTK_WIDGET (main), "win.import-cancel", NULL);
      wait_for_import (main);
      fraction = nrt_window_get_import_progress (main, &n_updates, &shown);
      g_test_message ("cancelled at %.2f after %u progress updates", fraction, n_updates);
      g_assert_cmpfloat (fraction, <, 1.0);
      g_assert_null (nrt_window_get_import_error (main));
      g_assert_true (nrt_window_get_model (main) == before);
      g_assert_true (nrt_model_data_equal (copy, nrt_model_get_data (before)));
    }
  else
    g_test_message ("the import finished before the bar could be photographed");
  g_assert_true (shown);

  g_unlink (path);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (main));
}

/* ---- ChannelBuilder: expression rates ---------------------------------------------- */

static NrtChannelBuilder *
newest_builder (NrtWindow *main)
{
  GList *tools = nrt_window_list_tools (main);
  NrtChannelBuilder *found = NULL;

  for (GList *l = tools; l != NULL; l = l->next)
    if (NRT_IS_CHANNEL_BUILDER (l->data))
      found = l->data;
  g_list_free (tools);
  g_assert_nonnull (found);
  return found;
}

static void
expression_rates (void)
{
  NrtWindow *main = nrt_window_new (NULL);
  NrtModel *model = nrt_window_get_model (main);
  NrtChannelBuilder *cb;
  g_autoptr(GError) e = NULL;
  NrtRunSettings settings = nrt_model_get_data (model)->settings;
  const char *alpha = "0.1 * (v + 40) / (1 - exp(-(v + 40) / 10)) * 3^((celsius - 6.3) / 10)";
  const char *beta = "4 * exp(-(v + 65) / 18)";
  g_autoptr(NrtRateFunc) fa = NULL;
  g_autoptr(NrtRateFunc) fb = NULL;
  NrtRate ra, rb;
  const NrtChannel *ch;
  const NrtGate *gate;
  g_autofree char *am = NULL, *bm = NULL;
  GtkEditable *entry;
  guint replots;
  double max_diff = 0;
  g_autofree char *dir = tmp_dir ();

  settings.celsius = 16.3;
  g_assert_true (nrt_model_set_settings (model, &settings, &e));
  g_assert_no_error (e);
  gtk_window_present (GTK_WINDOW (main));
  gtk_widget_activate_action (GTK_WIDGET (main), "win.channel-builder", "s", "density");
  cb = newest_builder (main);
  g_assert_true (nrt_channel_builder_add_gate (cb, &e));
  g_assert_no_error (e);
  gate = g_ptr_array_index (nrt_channel_builder_get_channel (cb)->gates, 0);
  am = g_strdup_printf ("a%s", gate->name);
  bm = g_strdup_printf ("b%s", gate->name);

  /* Choosing Expression starts from the rate as it was, written out: the curve stays. */
  {
    double before = nrt_channel_builder_get_curve_value (cb, am, -20);
    g_assert_true (nrt_channel_builder_set_rate_form (cb, 0, NRT_RATE_EXPRESSION, &e));
    g_assert_no_error (e);
    g_assert_cmpfloat_with_epsilon (nrt_channel_builder_get_curve_value (cb, am, -20), before,
                                    1e-12 * fabs (before) + 1e-15);
  }
  entry = nrt_channel_builder_get_expression_entry (cb, 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (entry)));

  /* Typing: every keystroke redraws; the plot is the engine's value at the run's 16.3 °C. */
  replots = nrt_channel_builder_get_n_replots (cb);
  for (gsize n = 1; n <= strlen (alpha); n++)
    {
      g_autofree char *prefix = g_strndup (alpha, n);
      gtk_editable_set_text (entry, prefix);
    }
  g_assert_cmpuint (nrt_channel_builder_get_n_replots (cb), >=, replots + strlen (alpha));
  g_assert_null (nrt_channel_builder_get_rate_expression_error (cb, 0));
  fa = nrt_rate_func_new_expression (alpha, &e);
  g_assert_no_error (e);
  g_assert_true (nrt_rate_func_uses_celsius (fa));
  ra = nrt_rate_new_func (fa);
  for (double v = -100; v <= 50; v += 5)
    {
      double want = nrt_rate_eval_at (&ra, v, 16.3);
      double got = nrt_channel_builder_get_curve_value (cb, am, v);
      if (isfinite (want))
        max_diff = MAX (max_diff, fabs (got - want));
    }
  g_test_message ("typed expression vs nrt_rate_eval_at at 16.3 °C: max |diff| %g /ms", max_diff);
  g_assert_cmpfloat (max_diff, ==, 0);
  /* Not yet applied: the model still has the written-out linoid. */
  ch = nrt_channel_builder_get_channel (cb);
  gate = g_ptr_array_index (ch->gates, 0);
  g_assert_cmpstr (nrt_rate_func_get_text (gate->rate[0].func), !=, alpha);

  /* A syntax error shows under the column and changes nothing. */
  gtk_editable_set_text (entry, "0.1 * (v + ");
  g_assert_nonnull (nrt_channel_builder_get_rate_expression_error (cb, 0));
  g_test_message ("inline error: %s", nrt_channel_builder_get_rate_expression_error (cb, 0));
  g_assert_false (nrt_channel_builder_set_rate_expression (cb, 0, "0.1 * (v + ", &e));
  g_assert_error (e, NRT_EXPR_ERROR, NRT_EXPR_ERROR_SYNTAX);
  g_clear_error (&e);
  g_assert_false (nrt_channel_builder_set_rate_expression (cb, 0, "v .gt. 3", &e));
  g_assert_nonnull (e);
  g_clear_error (&e);
  ch = nrt_channel_builder_get_channel (cb);
  g_assert_cmpint (((NrtGate *) ch->gates->pdata[0])->rate[0].form, ==, NRT_RATE_EXPRESSION);

  /* Enter applies it. */
  gtk_editable_set_text (entry, alpha);
  g_signal_emit_by_name (entry, "activate");
  ch = nrt_channel_builder_get_channel (cb);
  gate = g_ptr_array_index (ch->gates, 0);
  g_assert_cmpint (gate->rate[0].form, ==, NRT_RATE_EXPRESSION);
  g_assert_cmpstr (nrt_rate_func_get_text (gate->rate[0].func), ==, alpha);
  g_assert_null (nrt_channel_builder_get_rate_expression_error (cb, 0));

  /* β too, through the form menu's function. */
  g_assert_true (nrt_channel_builder_set_rate_form (cb, 1, NRT_RATE_EXPRESSION, &e));
  g_assert_true (nrt_channel_builder_set_rate_expression (cb, 1, beta, &e));
  g_assert_no_error (e);
  fb = nrt_rate_func_new_expression (beta, &e);
  rb = nrt_rate_new_func (fb);
  for (double v = -100; v <= 50; v += 10)
    g_assert_cmpfloat (nrt_channel_builder_get_curve_value (cb, bm, v), ==,
                       nrt_rate_eval_at (&rb, v, 16.3));
  /* inf/τ from the same rates. */
  nrt_channel_builder_set_show_inf_tau (cb, TRUE);
  {
    double a = nrt_rate_eval_at (&ra, -30, 16.3), b = nrt_rate_eval_at (&rb, -30, 16.3);
    /* am is "a" + the gate's name (gate itself went with the last edit). */
    g_autofree char *minf = g_strdup_printf ("%sinf", am + 1);
    g_assert_cmpfloat_with_epsilon (nrt_channel_builder_get_curve_value (cb, minf, -30),
                                    a / (a + b), 1e-15);
  }
  nrt_channel_builder_set_show_inf_tau (cb, FALSE);
  nrt_ui_test_show_and_wait (GTK_WINDOW (cb));
  /* The picture: an applied expression, then a typo in it, reported under the column while
   * the curve stays the last good one. */
  g_assert_true (nrt_channel_builder_set_rate_expression (cb, 0, "1.2 * exp((v + 40) / 25) * 3^((celsius - 6.3) / 10)", &e));
  g_assert_no_error (e);
  gtk_editable_set_text (entry, "1.2 * exp((v + 40) / 25 * 3^((celsius - 6.3) / 10)");
  g_assert_nonnull (nrt_channel_builder_get_rate_expression_error (cb, 0));
  nrt_ui_test_show_and_wait (GTK_WINDOW (cb));
  nrt_ui_test_save_screenshot (GTK_WIDGET (cb), "channel-builder-expression.png");
  g_assert_true (nrt_channel_builder_set_rate_expression (cb, 0, alpha, &e));

  /* Files: NMODL takes expressions, KSChan hoc cannot and says so; NeuroML out and in. */
  {
    g_autofree char *mod = g_build_filename (dir, "chan.mod", NULL);
    g_autofree char *hoc = g_build_filename (dir, "chan.hoc", NULL);
    g_autofree char *nml = g_build_filename (dir, "chan.channel.nml", NULL);
    g_autoptr(GFile) fmod = g_file_new_for_path (mod);
    g_autoptr(GFile) fhoc = g_file_new_for_path (hoc);
    g_autoptr(GFile) fnml = g_file_new_for_path (nml);
    g_autofree char *text = NULL;
    g_autofree char *imported = NULL;
    g_autoptr(NrtChannel) original = nrt_channel_copy (nrt_channel_builder_get_channel (cb));
    guint n_channels = nrt_model_get_data (model)->channels->len;
    int idx;

    g_assert_true (nrt_channel_builder_export_nmodl (cb, fmod, &e));
    g_assert_no_error (e);
    g_assert_true (g_file_get_contents (mod, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, "SUFFIX"));
    g_assert_false (nrt_channel_builder_save_hoc (cb, fhoc, &e));
    g_assert_nonnull (e);
    g_clear_error (&e);
    g_assert_true (nrt_channel_builder_export_neuroml (cb, fnml, &e));
    g_assert_no_error (e);
    /* Importing it again clashes by name: nothing changes. */
    g_assert_false (nrt_channel_builder_import_neuroml (cb, fnml, NULL, &e));
    g_assert_nonnull (e);
    g_clear_error (&e);
    g_assert_cmpuint (nrt_model_get_data (model)->channels->len, ==, n_channels);
    /* Renamed, it comes back as the same channel. */
    g_assert_true (nrt_channel_builder_set_name (cb, "renamed", &e));
    g_assert_true (nrt_channel_builder_import_neuroml (cb, fnml, &imported, &e));
    g_assert_no_error (e);
    g_assert_cmpstr (imported, ==, original->name);
    idx = nrt_model_find_channel (model, imported);
    g_assert_cmpint (idx, >=, 0);
    g_assert_true (nrt_channel_equal (nrt_model_get_data (model)->channels->pdata[idx], original));
    /* A KSChan hoc of a channel of standard forms. */
    g_assert_true (nrt_channel_builder_apply_preset (cb, "k", &e));
    g_assert_true (nrt_channel_builder_save_hoc (cb, fhoc, &e));
    g_assert_no_error (e);
    g_clear_pointer (&text, g_free);
    g_assert_true (g_file_get_contents (hoc, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, "KSChan"));
  }
  nrt_rate_clear (&ra);
  nrt_rate_clear (&rb);
  remove_tree (dir);
  gtk_window_destroy (GTK_WINDOW (main));
}

/* Channels whose rates are custom LEMS types (the OLM cell's) come in through Import NeuroML
 * Channel and show read-only, by type name, with their curves. */
static void
lems_rates (void)
{
  NrtWindow *main = nrt_window_new (NULL);
  NrtModel *model = nrt_window_get_model (main);
  NrtChannelBuilder *cb;
  g_autofree char *path = g_build_filename (NRT_SOURCE_ROOT, "tests", "reference", "lems_channels",
                                            "olm.nml", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) e = NULL;
  g_autofree char *first = NULL;
  const NrtChannel *ch;
  const NrtGate *gate;
  GtkEditable *entry;
  const double celsius = nrt_model_get_data (model)->settings.celsius;
  double max_diff = 0;

  gtk_window_present (GTK_WINDOW (main));
  gtk_widget_activate_action (GTK_WIDGET (main), "win.channel-builder", "s", "density");
  cb = newest_builder (main);
  g_assert_true (nrt_channel_builder_import_neuroml (cb, file, &first, &e));
  g_assert_no_error (e);
  g_assert_cmpstr (first, ==, "Nav");
  cb = NRT_CHANNEL_BUILDER (nrt_channel_builder_open (main, "Nav"));
  g_assert_nonnull (cb);
  nrt_channel_builder_select_row (cb, 1);
  ch = nrt_channel_builder_get_channel (cb);
  gate = g_ptr_array_index (ch->gates, 1);
  g_assert_cmpstr (gate->name, ==, "h");
  g_assert_cmpint (gate->rate[0].form, ==, NRT_RATE_LEMS);
  entry = nrt_channel_builder_get_expression_entry (cb, 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (entry)));
  g_assert_false (gtk_editable_get_editable (entry));
  g_assert_cmpstr (gtk_editable_get_text (entry), ==, "olm_Nav_h_alpha");
  g_assert_nonnull (strstr (nrt_channel_builder_get_rate_formula (cb, 0), "olm_Nav_h_alpha"));
  for (double v = -100; v <= 50; v += 5)
    {
      max_diff = MAX (max_diff, fabs (nrt_channel_builder_get_curve_value (cb, "ah", v)
                                      - nrt_rate_eval_at (&gate->rate[0], v, celsius)));
      max_diff = MAX (max_diff, fabs (nrt_channel_builder_get_curve_value (cb, "bh", v)
                                      - nrt_rate_eval_at (&gate->rate[1], v, celsius)));
    }
  g_test_message ("olm_Nav_h rates plotted vs nrt_rate_eval_at: max |diff| %g /ms", max_diff);
  g_assert_cmpfloat (max_diff, ==, 0);
  /* A LEMS type cannot be picked from the menu, only kept. */
  nrt_channel_builder_select_row (cb, 0);
  g_assert_cmpint (((NrtGate *) ch->gates->pdata[0])->rate[1].form, ==, NRT_RATE_EXP);
  g_assert_false (nrt_channel_builder_set_rate_form (cb, 1, NRT_RATE_LEMS, &e));
  g_assert_nonnull (e);
  g_clear_error (&e);
  g_assert_cmpint (((NrtGate *) nrt_channel_builder_get_channel (cb)->gates->pdata[0])->rate[1].form,
                   ==, NRT_RATE_EXP);
  nrt_channel_builder_select_row (cb, 1);
  nrt_ui_test_show_and_wait (GTK_WINDOW (cb));
  nrt_ui_test_save_screenshot (GTK_WIDGET (cb), "channel-builder-lems.png");
  gtk_window_destroy (GTK_WINDOW (main));
}

int
main (int argc, char **argv)
{
  nrt_ui_test_init (&argc, &argv);
  NRT_UI_ADD_TRAPPED ("/ui/import-export/ca1", import_ca1, have_ca1,
                      "needs NRT_SHARED_DIR/morphology/c91662.swc (the shared folder)");
  NRT_UI_ADD_TRAPPED ("/ui/import-export/malformed", import_malformed);
  NRT_UI_ADD_TRAPPED ("/ui/import-export/progress-cancel", import_progress_cancel);
  NRT_UI_ADD_TRAPPED ("/ui/import-export/expression", expression_rates);
  NRT_UI_ADD_TRAPPED ("/ui/import-export/lems-rates", lems_rates);
  return g_test_run ();
}
