/* test-cell-builder.c: the CellBuilder under Xvfb: the lab's Part 3 cell built through the
 * window's own tools, compared with models/stylized-cell.nml; undo; refusals; screenshots.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "nrt-ui-test.h"
#include "nrt-cell-builder-private.h"
#include "nrt-neuroml.h"
#include "nrt-window.h"
#include "nrt-sim.h"


/* Middle of a section's stick, in canvas units. */
/* The window has to paint its page before the picture is taken. */
static void
page_screenshot (GtkWindow *window, const char *name)
{
  nrt_ui_test_show_and_wait (window);
  nrt_ui_test_save_screenshot (GTK_WIDGET (window), name);
}

static void
middle (NrtCbCanvas *canvas, const char *name, double *x, double *y)
{
  double x0, y0, x1, y1;
  g_assert_true (nrt_cb_canvas_get_position (canvas, name, &x0, &y0, &x1, &y1));
  *x = (x0 + x1) / 2, *y = (y0 + y1) / 2;
}

static void
distal (NrtCbCanvas *canvas, const char *name, double *x, double *y)
{
  double x0, y0;
  g_assert_true (nrt_cb_canvas_get_position (canvas, name, &x0, &y0, x, y));
}

static void
drag (NrtCbCanvas *canvas, double x0, double y0, double x1, double y1)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (nrt_cb_canvas_drag (canvas, x0, y0, x1, y1, &error));
  g_assert_no_error (error);
}

/* The lab's Part 3, clicked together. */
static void
build_part3 (NrtCellBuilder *cb)
{
  NrtCbCanvas *canvas = nrt_cell_builder_get_canvas (cb);
  NrtModel *model = nrt_cell_builder_get_model (cb);
  g_autoptr(GError) e = NULL;
  const NrtMechanismInfo *hh = nrt_mechanism_info (NRT_MECH_HH);
  const NrtMechanismInfo *pas = nrt_mechanism_info (NRT_MECH_PAS);
  double x, y, mx, my;

  /* Topology */
  nrt_cell_builder_show_page (cb, NRT_CB_PAGE_TOPOLOGY);
  g_assert_cmpint (nrt_cb_canvas_get_tool (canvas), ==, NRT_CB_TOOL_MAKE_SECTION);
  g_assert_cmpstr (nrt_cb_canvas_get_basename (canvas), ==, "dend");
  nrt_cb_canvas_set_basename (canvas, "ap");
  distal (canvas, "soma", &x, &y);
  drag (canvas, x, y, x + 60, y + 2);                 /* snaps to the grid */
  distal (canvas, "ap[0]", &x, &y);
  g_assert_cmpfloat (fmod (x, NRT_CB_GRID), ==, 0);
  drag (canvas, x, y, x + 45, y + 45);
  drag (canvas, x, y, x + 45, y - 45);
  nrt_cb_canvas_set_basename (canvas, "bas");
  drag (canvas, 0, 0, -45, 45);                       /* the root's 0 end */
  nrt_cb_canvas_set_basename (canvas, "axon");
  drag (canvas, 0, 0, -60, -30);
  g_assert_true (nrt_cb_canvas_rename (canvas, "bas[0]", "bas", &e));
  g_assert_true (nrt_cb_canvas_rename (canvas, "axon[0]", "axon", &e));
  g_assert_no_error (e);
  g_assert_cmpuint (nrt_model_get_n_sections (model), ==, 6);

  /* Subsets: Select Basename on ap, then New */
  nrt_cell_builder_show_page (cb, NRT_CB_PAGE_SUBSETS);
  g_assert_cmpint (nrt_cb_canvas_get_tool (canvas), ==, NRT_CB_TOOL_SELECT_ONE);
  nrt_cb_canvas_set_tool (canvas, NRT_CB_TOOL_SELECT_BASENAME);
  middle (canvas, "ap[1]", &mx, &my);
  g_assert_true (nrt_cb_canvas_click (canvas, mx, my, FALSE, &e));
  g_assert_true (nrt_cell_builder_subset_from_selection (cb, "apical", TRUE, &e));
  g_assert_no_error (e);
  g_assert_cmpint (nrt_model_find_subset (model, "apical"), ==, 1);
  /* set operations: all minus apical is five... four sections */
  nrt_cb_canvas_select_all (canvas, TRUE);
  nrt_cell_builder_combine_selection (cb, "apical", 3);
  g_assert_false (nrt_cb_canvas_is_selected (canvas, nrt_model_find_section (model, "ap[2]")));
  g_assert_true (nrt_cb_canvas_is_selected (canvas, nrt_model_find_section (model, "bas")));
  nrt_cell_builder_combine_selection (cb, "apical", 2);
  g_assert_false (nrt_cb_canvas_is_selected (canvas, nrt_model_find_section (model, "bas")));
  nrt_cb_canvas_select_all (canvas, FALSE);

  /* Geometry */
  nrt_cell_builder_show_page (cb, NRT_CB_PAGE_GEOMETRY);
  g_assert_true (nrt_cell_builder_set_geometry_kinds (cb, "all", NRT_GEO_D_LAMBDA, &e));
  g_assert_true (nrt_cell_builder_set_geometry_kinds (cb, "apical", NRT_GEO_DISTINCT_L | NRT_GEO_DISTINCT_DIAM, &e));
  g_assert_true (nrt_cell_builder_set_geometry_kinds (cb, "soma", NRT_GEO_L | NRT_GEO_DIAM, &e));
  g_assert_true (nrt_cell_builder_set_geometry_kinds (cb, "bas", NRT_GEO_L | NRT_GEO_DIAM, &e));
  g_assert_true (nrt_cell_builder_set_geometry_kinds (cb, "axon", NRT_GEO_L | NRT_GEO_DIAM, &e));
  g_assert_no_error (e);
  /* NEURON's exclusion rules refuse, with the reason, and change nothing */
  g_assert_false (nrt_cell_builder_set_geometry_kinds (cb, "soma", NRT_GEO_L | NRT_GEO_AREA, &e));
  g_assert_nonnull (e);
  g_test_message ("refused strategy: %s", e->message);
  g_clear_error (&e);
  g_assert_false (nrt_cell_builder_set_geometry_kinds (cb, "soma", NRT_GEO_DISTINCT_L, &e));
  g_clear_error (&e);
  {
    const double apL[] = { 400, 300, 500 }, apd[] = { 2, 1, 1 };
    for (int m = 0; m < 3; m++)
      {
        g_assert_true (nrt_cell_builder_set_geometry_value (cb, "apical", NRT_GEO_DISTINCT_L, m, apL[m], &e));
        g_assert_true (nrt_cell_builder_set_geometry_value (cb, "apical", NRT_GEO_DISTINCT_DIAM, m, apd[m], &e));
      }
  }
  g_assert_true (nrt_cell_builder_set_geometry_value (cb, "soma", NRT_GEO_L, 0, 20, &e));
  g_assert_true (nrt_cell_builder_set_geometry_value (cb, "soma", NRT_GEO_DIAM, 0, 20, &e));
  g_assert_true (nrt_cell_builder_set_geometry_value (cb, "bas", NRT_GEO_L, 0, 200, &e));
  g_assert_true (nrt_cell_builder_set_geometry_value (cb, "bas", NRT_GEO_DIAM, 0, 3, &e));
  g_assert_true (nrt_cell_builder_set_geometry_value (cb, "axon", NRT_GEO_L, 0, 800, &e));
  g_assert_true (nrt_cell_builder_set_geometry_value (cb, "axon", NRT_GEO_DIAM, 0, 1, &e));
  g_assert_true (nrt_cell_builder_set_geometry_value (cb, "all", NRT_GEO_D_LAMBDA, 0, 0.1, &e));
  g_assert_no_error (e);
  {
    /* a bad value is refused and leaves the model as it was */
    g_autoptr(GError) bad = NULL;
    NrtModelData *before = nrt_model_data_copy (nrt_model_get_data (model));
    g_assert_false (nrt_cell_builder_set_geometry_value (cb, "soma", NRT_GEO_L, 0, -5, &bad));
    g_assert_nonnull (bad);
    g_test_message ("refused L = -5: %s", bad->message);
    g_assert_true (nrt_model_data_equal (before, nrt_model_get_data (model)));
    nrt_model_data_free (before);
  }

  /* Biophysics */
  nrt_cell_builder_show_page (cb, NRT_CB_PAGE_BIOPHYSICS);
  g_assert_true (nrt_cell_builder_set_biophysics_strategy (cb, "all", NRT_CB_BIO_RA, TRUE, &e));
  g_assert_true (nrt_cell_builder_set_biophysics_strategy (cb, "all", NRT_CB_BIO_CM, TRUE, &e));
  g_assert_true (nrt_cell_builder_set_biophysics_strategy (cb, "soma", NRT_CB_BIO_MECH + NRT_MECH_HH, TRUE, &e));
  g_assert_true (nrt_cell_builder_set_biophysics_strategy (cb, "apical", NRT_CB_BIO_MECH + NRT_MECH_HH, TRUE, &e));
  g_assert_true (nrt_cell_builder_set_biophysics_strategy (cb, "bas", NRT_CB_BIO_MECH + NRT_MECH_PAS, TRUE, &e));
  g_assert_true (nrt_cell_builder_set_biophysics_strategy (cb, "axon", NRT_CB_BIO_MECH + NRT_MECH_HH, TRUE, &e));
  g_assert_no_error (e);
  {
    int nseg_before = nrt_model_get_section (model, nrt_model_find_section (model, "axon"))->nseg;
    g_assert_true (nrt_cell_builder_set_biophysics_value (cb, "all", NRT_CB_BIO_RA, 0, 160, &e));
    /* nseg follows Ra at once (d_lambda) */
    g_assert_cmpint (nrt_model_get_section (model, nrt_model_find_section (model, "axon"))->nseg, >, nseg_before);
  }
  g_assert_true (nrt_cell_builder_set_biophysics_value (cb, "apical", NRT_CB_BIO_MECH + NRT_MECH_HH,
                                                        nrt_param_lookup (hh, "gnabar_hh"), 0.012, &e));
  g_assert_true (nrt_cell_builder_set_biophysics_value (cb, "apical", NRT_CB_BIO_MECH + NRT_MECH_HH,
                                                        nrt_param_lookup (hh, "gkbar_hh"), 0.0036, &e));
  g_assert_true (nrt_cell_builder_set_biophysics_value (cb, "apical", NRT_CB_BIO_MECH + NRT_MECH_HH,
                                                        nrt_param_lookup (hh, "el_hh"), -64, &e));
  g_assert_true (nrt_cell_builder_set_biophysics_value (cb, "bas", NRT_CB_BIO_MECH + NRT_MECH_PAS,
                                                        nrt_param_lookup (pas, "e_pas"), -65, &e));
  g_assert_no_error (e);
  g_assert_false (nrt_cell_builder_set_biophysics_value (cb, "all", NRT_CB_BIO_RA, 0, -1, &e));
  g_clear_error (&e);

  /* Management */
  g_assert_true (nrt_model_set_class_name (model, "BCell", &e));
  g_assert_no_error (e);
}

static void
assert_same_sections (NrtModel *a, NrtModel *b)
{
  const NrtModelData *da = nrt_model_get_data (a), *db = nrt_model_get_data (b);

  g_assert_cmpuint (da->sections->len, ==, db->sections->len);
  for (guint i = 0; i < da->sections->len; i++)
    {
      const NrtSection *s = da->sections->pdata[i];
      int j = nrt_model_find_section (b, s->name);
      const NrtSection *t;

      g_assert_cmpint (j, >=, 0);
      t = db->sections->pdata[j];
      g_assert_cmpstr (s->parent < 0 ? "-" : ((NrtSection *) da->sections->pdata[s->parent])->name, ==,
                       t->parent < 0 ? "-" : ((NrtSection *) db->sections->pdata[t->parent])->name);
      g_assert_cmpfloat (s->parent_x, ==, t->parent_x);
      g_assert_cmpfloat (s->L, ==, t->L);
      g_assert_cmpfloat (s->diam, ==, t->diam);
      g_assert_cmpint (s->nseg, ==, t->nseg);
      g_assert_cmpfloat (s->Ra, ==, t->Ra);
      g_assert_cmpfloat (s->cm, ==, t->cm);
      for (int m = 0; m < NRT_N_MECH; m++)
        {
          const NrtMechanismInfo *info = nrt_mechanism_info (m);
          g_assert_cmpint (s->mech[m].inserted, ==, t->mech[m].inserted);
          for (guint p = 0; s->mech[m].inserted && p < info->n_params; p++)
            g_assert_cmpfloat_with_epsilon (s->mech[m].p[p], t->mech[m].p[p], 1e-15);
        }
    }
}

static void
test_part3 (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) e = NULL;
      NrtWindow *win = nrt_window_new (NULL);
      GtkWindow *window;
      NrtCellBuilder *cb;
      NrtModel *model;
      g_autofree char *path = g_build_filename (NRT_SOURCE_ROOT, "models", "stylized-cell.nml", NULL);
      g_autoptr(NrtModel) reference = nrt_neuroml_read_file (path, &e);
      g_autofree char *dir = NULL, *hoc = NULL, *text = NULL;
      NrtModelData *before;
      double x, y;

      g_assert_no_error (e);
      adw_init ();
      gtk_window_present (GTK_WINDOW (win));
      window = nrt_cell_builder_new (win);
      cb = NRT_CELL_BUILDER (window);
      model = nrt_cell_builder_get_model (cb);
      g_assert_true (model == nrt_window_get_model (win));
      g_assert_cmpuint (nrt_model_get_n_sections (model), ==, 1);  /* a new builder: soma */
      nrt_ui_test_show_and_wait (window);

      build_part3 (cb);
      assert_same_sections (model, reference);

      /* Save hoc code */
      dir = g_dir_make_tmp ("nrt-cb-XXXXXX", &e);
      hoc = g_build_filename (dir, "BCell.hoc", NULL);
      g_assert_true (nrt_cell_builder_save_hoc (cb, hoc, &e));
      g_assert_true (g_file_get_contents (hoc, &text, NULL, &e));
      g_assert_no_error (e);
      g_assert_nonnull (strstr (text, "begintemplate BCell\n"));
      g_assert_nonnull (strstr (text, "  forsec apical {\n    insert hh\n"));
      g_clear_pointer (&text, g_free);
      /* The Export card's other form: top level, celldef(), with the stimuli and settings. */
      nrt_cell_builder_set_hoc_options (cb, NRT_HOC_FORM_CELLDEF, NRT_HOC_CHANNELS_KSCHAN,
                                        NRT_HOC_SESSION_SETUP);
      g_assert_true (nrt_cell_builder_save_hoc (cb, hoc, &e));
      g_assert_true (g_file_get_contents (hoc, &text, NULL, &e));
      g_assert_no_error (e);
      g_assert_null (strstr (text, "begintemplate"));
      g_assert_nonnull (strstr (text, "proc celldef() {"));
      g_assert_nonnull (strstr (text, "proc session() {"));
      g_unlink (hoc);
      g_rmdir (dir);

      /* Subsets reorder through the page's buttons' function; "all" stays first. */
      g_assert_true (nrt_model_add_subset (model, "later", &e));
      g_assert_true (nrt_cell_builder_move_subset (cb, "later", -1, &e));
      g_assert_no_error (e);
      g_assert_cmpint (nrt_model_find_subset (model, "later"), ==, 1);
      g_assert_false (nrt_cell_builder_move_subset (cb, "later", -1, &e));
      g_clear_error (&e);
      g_assert_true (nrt_model_undo (model, &e));
      g_assert_true (nrt_model_undo (model, &e));
      g_assert_cmpint (nrt_model_find_subset (model, "later"), ==, -1);

      /* screenshots, every page, values then strategy */
      gtk_window_set_default_size (window, 1180, 760);
      nrt_cell_builder_show_page (cb, NRT_CB_PAGE_TOPOLOGY);
      nrt_cell_builder_flush (cb);
      page_screenshot (window, "cell-builder-topology.png");
      nrt_cell_builder_show_page (cb, NRT_CB_PAGE_SUBSETS);
      nrt_cb_canvas_set_tool (nrt_cell_builder_get_canvas (cb), NRT_CB_TOOL_SELECT_ONE);
      nrt_cell_builder_combine_selection (cb, "apical", 0);
      nrt_cell_builder_flush (cb);
      page_screenshot (window, "cell-builder-subsets.png");
      nrt_cb_canvas_select_all (nrt_cell_builder_get_canvas (cb), FALSE);
      nrt_cell_builder_show_page (cb, NRT_CB_PAGE_GEOMETRY);
      nrt_cell_builder_set_strategy_mode (cb, NRT_CB_PAGE_GEOMETRY, TRUE);
      page_screenshot (window, "cell-builder-geometry-strategy.png");
      nrt_cell_builder_set_strategy_mode (cb, NRT_CB_PAGE_GEOMETRY, FALSE);
      page_screenshot (window, "cell-builder-geometry.png");
      nrt_cell_builder_show_page (cb, NRT_CB_PAGE_BIOPHYSICS);
      nrt_cell_builder_set_strategy_mode (cb, NRT_CB_PAGE_BIOPHYSICS, TRUE);
      page_screenshot (window, "cell-builder-biophysics-strategy.png");
      nrt_cell_builder_set_strategy_mode (cb, NRT_CB_PAGE_BIOPHYSICS, FALSE);
      page_screenshot (window, "cell-builder-biophysics.png");
      nrt_cell_builder_show_page (cb, NRT_CB_PAGE_MANAGEMENT);
      nrt_cell_builder_flush (cb);
      page_screenshot (window, "cell-builder-management.png");
      adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
      nrt_cell_builder_show_page (cb, NRT_CB_PAGE_TOPOLOGY);
      nrt_cell_builder_flush (cb);
      page_screenshot (window, "cell-builder-topology-dark.png");
      adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

      /* undo a topology edit: one gesture, one step, through the window's Ctrl+Z action */
      before = nrt_model_data_copy (nrt_model_get_data (model));
      nrt_cb_canvas_set_tool (nrt_cell_builder_get_canvas (cb), NRT_CB_TOOL_MAKE_SECTION);
      nrt_cb_canvas_set_basename (nrt_cell_builder_get_canvas (cb), "dend");
      distal (nrt_cell_builder_get_canvas (cb), "axon", &x, &y);
      drag (nrt_cell_builder_get_canvas (cb), x, y, x - 30, y);
      g_assert_cmpint (nrt_model_find_section (model, "dend[0]"), >=, 0);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "cb.undo", NULL));
      g_assert_true (nrt_model_data_equal (before, nrt_model_get_data (model)));
      /* and a Delete Subtree */
      nrt_cb_canvas_set_tool (nrt_cell_builder_get_canvas (cb), NRT_CB_TOOL_DELETE_SUBTREE);
      middle (nrt_cell_builder_get_canvas (cb), "ap[0]", &x, &y);
      g_assert_true (nrt_cb_canvas_click (nrt_cell_builder_get_canvas (cb), x, y, FALSE, &e));
      g_assert_cmpuint (nrt_model_get_n_sections (model), ==, 3);
      g_assert_true (nrt_model_undo (model, &e));
      g_assert_true (nrt_model_data_equal (before, nrt_model_get_data (model)));
      /* Insert Section, Delete Section */
      nrt_cb_canvas_set_tool (nrt_cell_builder_get_canvas (cb), NRT_CB_TOOL_INSERT);
      middle (nrt_cell_builder_get_canvas (cb), "bas", &x, &y);
      g_assert_true (nrt_cb_canvas_click (nrt_cell_builder_get_canvas (cb), x, y, FALSE, &e));
      g_assert_cmpint (nrt_model_get_section (model, nrt_model_find_section (model, "bas"))->parent, ==,
                       nrt_model_find_section (model, "dend[0]"));
      nrt_cb_canvas_set_tool (nrt_cell_builder_get_canvas (cb), NRT_CB_TOOL_DELETE_SECTION);
      middle (nrt_cell_builder_get_canvas (cb), "dend[0]", &x, &y);
      g_assert_true (nrt_cb_canvas_click (nrt_cell_builder_get_canvas (cb), x, y, FALSE, &e));
      g_assert_no_error (e);
      g_assert_cmpint (nrt_model_get_section (model, nrt_model_find_section (model, "bas"))->parent, ==,
                       nrt_model_find_section (model, "soma"));
      g_assert_true (nrt_model_undo (model, &e));
      g_assert_true (nrt_model_undo (model, &e));
      g_assert_true (nrt_model_data_equal (before, nrt_model_get_data (model)));
      nrt_model_data_free (before);

      gtk_window_destroy (window);
      gtk_window_destroy (GTK_WINDOW (win));
      return;
    }
  g_test_trap_subprocess (NULL, NRT_UI_TRAP_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* A row of the page's widget tree titled title, or NULL. */
static GtkWidget *
find_row (GtkWidget *w, const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (w)
      && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)), title) == 0)
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *r = find_row (c, title);
      if (r != NULL)
        return r;
    }
  return NULL;
}

/* Issue 5: ChannelBuilder channels in the Biophysics page.  hh rebuilt from the nahh and khh
 * presets and a leak channel, inserted in soma through the page, run for 10 ms against
 * NEURON's hh without tables. */
static void
test_channels (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) e = NULL;
      NrtWindow *win = nrt_window_new (NULL);
      GtkWindow *window;
      NrtCellBuilder *cb;
      NrtModel *model;
      g_autoptr(NrtChannel) na = nrt_channel_new_hh_na ();
      g_autoptr(NrtChannel) k = nrt_channel_new_hh_k ();
      g_autoptr(NrtChannel) leak = nrt_channel_new ("leak");
      g_autofree char *csv = g_build_filename (NRT_SOURCE_ROOT, "tests", "reference",
                                               "soma_hh_notable.csv", NULL);
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;
      GtkWidget *page;

      adw_init ();
      gtk_window_present (GTK_WINDOW (win));
      window = nrt_cell_builder_new (win);
      cb = NRT_CELL_BUILDER (window);
      model = nrt_cell_builder_get_model (cb);
      nrt_ui_test_show_and_wait (window);
      nrt_cell_builder_show_page (cb, NRT_CB_PAGE_BIOPHYSICS);
      nrt_cell_builder_set_strategy_mode (cb, NRT_CB_PAGE_BIOPHYSICS, TRUE);
      nrt_cell_builder_flush (cb);
      page = GTK_WIDGET (window);
      g_assert_nonnull (find_row (page, "hh"));
      g_assert_null (find_row (page, "leak"));

      /* The library grows: the page lists the new channels at once. */
      leak->gmax = 0.0003;
      leak->erev = -54.3;
      g_assert_true (nrt_model_add_channel (model, na, &e));
      g_assert_true (nrt_model_add_channel (model, k, &e));
      g_assert_true (nrt_model_add_channel (model, leak, &e));
      g_assert_no_error (e);
      nrt_cell_builder_flush (cb);
      g_assert_nonnull (find_row (page, "nahh"));
      g_assert_nonnull (find_row (page, "khh"));
      g_assert_nonnull (find_row (page, "leak"));
      /* A point channel is placed with the Point Manager: it has no row here. */
      {
        g_autoptr(NrtChannel) pk = nrt_channel_new_hh_k ();

        g_free (pk->name);
        pk->name = g_strdup ("pk");
        pk->kind = NRT_CHANNEL_POINT;
        g_assert_true (nrt_model_add_channel (model, pk, &e));
        nrt_cell_builder_flush (cb);
        g_assert_null (find_row (page, "pk"));
        g_assert_nonnull (find_row (page, "leak"));
        g_assert_true (nrt_model_remove_channel (model, "pk", &e));
        g_assert_no_error (e);
      }

      /* Geometry of soma_hh: L = diam = 10 µm, nseg 1. */
      g_assert_true (nrt_cell_builder_set_geometry_kinds (cb, "soma", NRT_GEO_L | NRT_GEO_DIAM | NRT_GEO_NSEG, &e));
      g_assert_true (nrt_cell_builder_set_geometry_value (cb, "soma", NRT_GEO_L, 0, 10, &e));
      g_assert_true (nrt_cell_builder_set_geometry_value (cb, "soma", NRT_GEO_DIAM, 0, 10, &e));
      g_assert_no_error (e);

      const char *names[] = { "nahh", "khh", "leak" };
      for (int c = 0; c < 3; c++)
        {
          int idx = nrt_model_find_channel (model, names[c]);
          g_assert_cmpint (idx, ==, c);
          g_assert_true (nrt_cell_builder_set_biophysics_strategy (cb, "soma", NRT_CB_BIO_CHANNEL + idx, TRUE, &e));
          g_assert_no_error (e);
        }
      const NrtSection *soma = nrt_model_get_section (model, 0);
      g_assert_cmpuint (soma->channels->len, ==, 3);
      /* One step each, undone exactly. */
      {
        NrtModelData *with = nrt_model_data_copy (nrt_model_get_data (model));
        g_assert_true (nrt_cell_builder_set_biophysics_strategy (cb, "soma", NRT_CB_BIO_CHANNEL + 2, FALSE, &e));
        g_assert_cmpuint (soma->channels->len, ==, 2);
        g_assert_true (nrt_model_undo (model, &e));
        g_assert_true (nrt_model_data_equal (with, nrt_model_get_data (model)));
        nrt_model_data_free (with);
      }
      /* A channel that is not in the library is refused. */
      g_assert_false (nrt_cell_builder_set_biophysics_strategy (cb, "soma", NRT_CB_BIO_CHANNEL + 3, TRUE, &e));
      g_clear_error (&e);

      /* Values: gmax for every channel, e only for NonSpecific leak, with units. */
      nrt_cell_builder_set_strategy_mode (cb, NRT_CB_PAGE_BIOPHYSICS, FALSE);
      nrt_cell_builder_flush (cb);
      g_assert_nonnull (find_row (page, "gmax_nahh (S/cm²)"));
      g_assert_nonnull (find_row (page, "gmax_khh (S/cm²)"));
      g_assert_nonnull (find_row (page, "gmax_leak (S/cm²)"));
      g_assert_nonnull (find_row (page, "e_leak (mV)"));
      g_assert_null (find_row (page, "e_nahh (mV)"));
      g_assert_true (nrt_cell_builder_set_biophysics_value (cb, "soma", NRT_CB_BIO_CHANNEL + 0, NRT_CB_CHANNEL_GMAX, 0.12, &e));
      g_assert_true (nrt_cell_builder_set_biophysics_value (cb, "soma", NRT_CB_BIO_CHANNEL + 1, NRT_CB_CHANNEL_GMAX, 0.036, &e));
      g_assert_true (nrt_cell_builder_set_biophysics_value (cb, "soma", NRT_CB_BIO_CHANNEL + 2, NRT_CB_CHANNEL_GMAX, 0.0003, &e));
      g_assert_true (nrt_cell_builder_set_biophysics_value (cb, "soma", NRT_CB_BIO_CHANNEL + 2, NRT_CB_CHANNEL_E, -54.3, &e));
      g_assert_no_error (e);
      g_assert_false (nrt_cell_builder_set_biophysics_value (cb, "soma", NRT_CB_BIO_CHANNEL + 0, NRT_CB_CHANNEL_E, 1, &e));
      g_clear_error (&e);
      g_assert_false (nrt_cell_builder_set_biophysics_value (cb, "soma", NRT_CB_BIO_CHANNEL + 1, NRT_CB_CHANNEL_GMAX, -1, &e));
      g_clear_error (&e);
      nrt_cell_builder_flush (cb);
      gtk_window_set_default_size (window, 1180, 760);
      page_screenshot (window, "cell-builder-biophysics-channels.png");
      nrt_cell_builder_set_strategy_mode (cb, NRT_CB_PAGE_BIOPHYSICS, TRUE);
      nrt_cell_builder_flush (cb);
      page_screenshot (window, "cell-builder-biophysics-channels-strategy.png");

      /* soma_hh: IClamp 1 nA for 0.1 ms at 2 ms, 10 ms at dt 0.025, 6.3 °C. */
      int pp = nrt_model_add_point_process (model, "IClamp", "soma", 0.5, &e);
      g_assert_cmpint (pp, >=, 0);
      g_assert_true (nrt_model_set_point_process_param (model, pp, "del", 2, &e));
      g_assert_true (nrt_model_set_point_process_param (model, pp, "dur", 0.1, &e));
      g_assert_true (nrt_model_set_point_process_param (model, pp, "amp", 1, &e));
      NrtRunSettings rs = nrt_model_get_data (model)->settings;
      rs.tstop = 10, rs.dt = 0.025, rs.v_init = -65, rs.celsius = 6.3;
      rs.method = NRT_METHOD_IMPLICIT;
      g_assert_true (nrt_model_set_settings (model, &rs, &e));
      g_assert_no_error (e);
      /* Every edit above may have replaced the section structs (undo swaps snapshots). */
      soma = nrt_model_get_section (model, 0);
      g_assert_cmpfloat (soma->L, ==, 10);
      g_assert_cmpint (soma->nseg, ==, 1);
      g_assert_false (soma->mech[NRT_MECH_HH].inserted);

      g_autoptr(NrtNetwork) net = nrt_network_compile (model, &e);
      g_assert_no_error (e);
      g_autoptr(NrtSim) sim = nrt_sim_new (net);
      g_assert_cmpint (nrt_sim_add_record (sim, "soma(0.5).v", &e), ==, 0);
      g_assert_no_error (e);
      g_assert_true (g_file_get_contents (csv, &text, NULL, &e));
      lines = g_strsplit (text, "\n", -1);
      nrt_sim_init (sim);
      double maxdv = 0;
      guint rows = 0;
      for (guint r = 1; lines[r] != NULL && lines[r][0] != '\0'; r++)
        {
          char *end;
          double t = g_ascii_strtod (lines[r], &end);
          double v = g_ascii_strtod (end + 1, NULL);
          if (r > 1)
            g_assert_true (nrt_sim_step (sim, &e));
          g_assert_cmpfloat (fabs (nrt_sim_get_t (sim) - t), <, 1e-9);
          maxdv = MAX (maxdv, fabs (nrt_sim_record_value (sim, 0) - v));
          rows++;
        }
      g_assert_cmpuint (rows, ==, 401);
      g_test_message ("CellBuilder channels vs NEURON hh (no tables): max |Δv| = %.3g mV", maxdv);
      g_assert_cmpfloat (maxdv, <=, 1e-6);

      /* Leaving the library takes the channel out of the specs and the page. */
      g_assert_true (nrt_model_remove_channel (model, "leak", &e));
      g_assert_null (nrt_biophysics_spec_find_channel (nrt_model_get_data (model)->biophysics_specs->pdata[0], "leak"));
      nrt_cell_builder_flush (cb);
      g_assert_null (find_row (page, "leak"));
      g_assert_nonnull (find_row (page, "nahh"));

      gtk_window_destroy (window);
      gtk_window_destroy (GTK_WINDOW (win));
      return;
    }
  g_test_trap_subprocess (NULL, NRT_UI_TRAP_TIMEOUT, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ui/cell-builder/part3", test_part3);
  g_test_add_func ("/ui/cell-builder/channels", test_channels);
  return g_test_run ();
}
