/* test-point-manager.c: the Point Process Manager and Point Group manager, under Xvfb.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The node a point process really uses; type switching that remembers values per type; the
 * shape's pick and drag signals moving the selected point process; Global Spec, Copy and
 * Remove, each one undo step; the lab's Part 2 placement on the squid axon by clicking; the
 * layout round trip; screenshots of both pages.
 */
#include <math.h>
#include <string.h>

#include <adwaita.h>

#include "nrt-point-manager.h"
#include "nrt-shape-view.h"
#include "nrt-ui-test.h"
#include "nrt-window-private.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NrtModelData, nrt_model_data_free)

/* ---- helpers ----------------------------------------------------------------------- */

static const NrtPointProcess *
pp_at (NrtModel *model,
       guint     index)
{
  const NrtModelData *data = nrt_model_get_data (model);

  g_assert_cmpuint (index, <, data->point_processes->len);
  return g_ptr_array_index (data->point_processes, index);
}

static double
param (NrtModel   *model,
       guint       index,
       const char *name)
{
  const NrtPointProcess *pp = pp_at (model, index);
  int k = nrt_param_lookup (nrt_point_process_info (pp->type), name);

  g_assert_cmpint (k, >=, 0);
  return pp->p[k];
}

static guint
n_pp (NrtModel *model)
{
  return nrt_model_get_data (model)->point_processes->len;
}

static const char *
section_of (NrtModel *model,
            guint     index)
{
  return nrt_model_get_section (model, pp_at (model, index)->section)->name;
}

static NrtPointManager *
open_manager (NrtWindow  *window,
              const char *action)
{
  NrtPointManager *pm;

  gtk_widget_activate_action (GTK_WIDGET (window), action, NULL);
  pm = NRT_POINT_MANAGER (_nrt_window_find_tool (window, NRT_TYPE_POINT_MANAGER));
  g_assert_nonnull (pm);
  return pm;
}

static void
undo (NrtModel *model)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (nrt_model_undo (model, &error));
  g_assert_no_error (error);
}

/* The first widget of type under root whose row title is title. */
static GtkWidget *
find_row (GtkWidget  *root,
          GType       type,
          const char *title)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type)
      && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_row (c, type, title);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
have_model (const char *name)
{
  g_autofree char *path = g_build_filename (NRT_SOURCE_ROOT, "models", name, NULL);
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static gboolean
have_squid_axon (void)
{
  return have_model ("squid-axon.nml");
}

static gboolean
have_soma_hh (void)
{
  return have_model ("soma-hh.nml");
}

static gboolean
have_stylized_cell (void)
{
  return have_model ("stylized-cell.nml");
}

static NrtWindow *
window_with (const char *model_name)
{
  NrtWindow *window = nrt_window_new (NULL);
  g_autofree char *path = g_build_filename (NRT_SOURCE_ROOT, "models", model_name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (nrt_window_load_file (window, file, &error));
  g_assert_no_error (error);
  return window;
}

/* ---- the node a point process sits on (no display) ------------------------------- */

static void
test_snap (void)
{
  int seg = -1;

  /* node_index(): int(x·nseg), the segment's centre; the ends are nodes of their own. */
  g_assert_cmpfloat (nrt_point_location_snap (1, 0.3, &seg), ==, 0.5);
  g_assert_cmpint (seg, ==, 1);
  g_assert_cmpfloat (nrt_point_location_snap (43, 0.5, &seg), ==, 21.5 / 43);
  g_assert_cmpint (seg, ==, 22);
  g_assert_cmpfloat (nrt_point_location_snap (43, 0.2, &seg), ==, 8.5 / 43);
  g_assert_cmpint (seg, ==, 9);
  g_assert_cmpfloat (nrt_point_location_snap (5, 0.8, &seg), ==, 0.9);   /* int(4.0) = 4 */
  g_assert_cmpint (seg, ==, 5);
  g_assert_cmpfloat (nrt_point_location_snap (5, 0.7999, &seg), ==, 0.7);
  g_assert_cmpint (seg, ==, 4);
  g_assert_cmpfloat (nrt_point_location_snap (3, 0.9999, &seg), ==, 2.5 / 3);
  g_assert_cmpint (seg, ==, 3);
  g_assert_cmpfloat (nrt_point_location_snap (7, 0.0, &seg), ==, 0.0);
  g_assert_cmpint (seg, ==, 0);
  g_assert_cmpfloat (nrt_point_location_snap (7, 1.0, &seg), ==, 1.0);
  g_assert_cmpint (seg, ==, 0);
  g_assert_cmpfloat (nrt_point_location_snap (7, 1e-12, &seg), ==, 0.5 / 7);
  g_assert_cmpint (seg, ==, 1);
  /* Idempotent: a node snaps to itself. */
  for (int nseg = 1; nseg <= 50; nseg++)
    for (int i = 0; i < nseg; i++)
      g_assert_cmpfloat (nrt_point_location_snap (nseg, (i + 0.5) / nseg, NULL), ==,
                         (i + 0.5) / nseg);
  /* The shape view snaps its picks the same way. */
  for (int nseg = 1; nseg <= 9; nseg += 2)
    for (double x = 0; x <= 1.0; x += 0.0625)
      g_assert_cmpfloat (nrt_point_location_snap (nseg, x, NULL), ==, nrt_shape_snap_x (nseg, x));

  {
    g_autofree char *middle = nrt_point_location_describe ("axon", 43, 0.5);
    g_autofree char *clicked = nrt_point_location_describe ("dend[1]", 5, 0.83);
    g_autofree char *end = nrt_point_location_describe ("axon", 43, 1);

    g_assert_cmpstr (middle, ==, "axon(0.5) — node at x = 0.5 (segment 22 of 43)");
    g_assert_cmpstr (clicked, ==, "dend[1](0.83) — node at x = 0.9 (segment 5 of 5)");
    g_assert_cmpstr (end, ==, "axon(1) — node at the 1 end");
  }
}

/* ---- the type menu remembers values per type ------------------------------------- */

static void
type_switch_subprocess (void)
{
  NrtWindow *window = nrt_window_new (NULL);
  NrtModel *model = nrt_window_get_model (window);
  NrtPointManager *pm = open_manager (window, "win.point-manager");
  g_autoptr(GError) error = NULL;

  /* NEURON: type none, at the accessed section's middle. */
  g_assert_cmpint (nrt_point_manager_get_selected (pm), ==, -1);
  g_assert_cmpint (nrt_point_manager_get_type_choice (pm), ==, -1);
  g_assert_cmpstr (nrt_point_manager_get_location_section (pm), ==, "soma");
  g_assert_cmpfloat (nrt_point_manager_get_location_x (pm), ==, 0.5);
  g_assert_cmpstr (nrt_point_manager_get_page (pm), ==, "manager");
  g_assert_null (nrt_point_manager_get_field (pm, "amp"));

  /* IClamp; its fields carry NEURON's defaults and units. */
  g_assert_true (nrt_point_manager_choose_type (pm, NRT_PP_ICLAMP, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_pp (model), ==, 1);
  g_assert_cmpstr (nrt_number_entry_get_label (nrt_point_manager_get_field (pm, "amp")), ==,
                   "amp (nA)");
  g_assert_cmpfloat (nrt_number_entry_get_default (nrt_point_manager_get_field (pm, "dur")), ==, 0);
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "amp"), "0.3"));
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "del"), "2"));
  g_assert_cmpfloat (param (model, 0, "amp"), ==, 0.3);

  /* Refused input: the reason shows and the model keeps its value. */
  g_assert_false (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "dur"), "-1"));
  g_assert_nonnull (nrt_number_entry_get_error (nrt_point_manager_get_field (pm, "dur")));
  g_assert_false (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "amp"), "nan"));
  g_assert_cmpfloat (param (model, 0, "amp"), ==, 0.3);

  /* → ExpSyn: the IClamp goes, an ExpSyn with the defaults comes, at the same place, as one
   * undo step. */
  g_assert_true (nrt_point_manager_choose_type (pm, NRT_PP_EXPSYN, &error));
  g_assert_cmpuint (n_pp (model), ==, 1);
  g_assert_cmpint (pp_at (model, 0)->type, ==, NRT_PP_EXPSYN);
  g_assert_cmpstr (section_of (model, 0), ==, "soma");
  g_assert_cmpfloat (param (model, 0, "tau"), ==, 0.1);
  g_assert_cmpstr (nrt_number_entry_get_label (nrt_point_manager_get_field (pm, "tau")), ==,
                   "tau (ms)");
  g_assert_null (nrt_point_manager_get_field (pm, "amp"));
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "tau"), "2"));
  g_assert_cmpfloat (nrt_point_manager_get_remembered (pm, NRT_PP_ICLAMP)[2], ==, 0.3);

  /* → IClamp again: its values come back; ExpSyn's are kept for later. */
  g_assert_true (nrt_point_manager_choose_type (pm, NRT_PP_ICLAMP, &error));
  g_assert_cmpint (pp_at (model, 0)->type, ==, NRT_PP_ICLAMP);
  g_assert_cmpfloat (param (model, 0, "amp"), ==, 0.3);
  g_assert_cmpfloat (param (model, 0, "del"), ==, 2);
  g_assert_cmpfloat (nrt_number_entry_get_value (nrt_point_manager_get_field (pm, "amp")), ==, 0.3);
  g_assert_cmpfloat (nrt_point_manager_get_remembered (pm, NRT_PP_EXPSYN)[0], ==, 2);

  /* Undo of the switch: the ExpSyn with tau 2 is back, and nothing else. */
  undo (model);
  g_assert_cmpuint (n_pp (model), ==, 1);
  g_assert_cmpint (pp_at (model, 0)->type, ==, NRT_PP_EXPSYN);
  g_assert_cmpfloat (param (model, 0, "tau"), ==, 2);
  g_assert_cmpint (nrt_point_manager_get_type_choice (pm), ==, NRT_PP_EXPSYN);
  g_assert_cmpfloat (nrt_number_entry_get_value (nrt_point_manager_get_field (pm, "tau")), ==, 2);

  /* Every type the core knows is in the menu, with a page built from its metadata. */
  for (int t = 0; t < NRT_PP_CHANNEL; t++)
    {
      const NrtMechanismInfo *info = nrt_point_process_info (t);

      g_assert_true (nrt_point_manager_choose_type (pm, t, &error));
      g_assert_no_error (error);
      g_assert_cmpint (pp_at (model, 0)->type, ==, t);
      for (guint k = 0; k < info->n_params; k++)
        {
          NrtNumberEntry *e = nrt_point_manager_get_field (pm, info->params[k].name);

          g_assert_nonnull (e);
          g_assert_cmpfloat (nrt_number_entry_get_default (e), ==, info->params[k].def);
        }
    }

  /* None removes the instance but keeps the place. */
  g_assert_true (nrt_point_manager_choose_type (pm, -1, &error));
  g_assert_cmpuint (n_pp (model), ==, 0);
  g_assert_cmpint (nrt_point_manager_get_selected (pm), ==, -1);
  g_assert_cmpstr (nrt_point_manager_get_location_section (pm), ==, "soma");

  /* The menu itself, as the user picks from it: None, then every type. */
  {
    AdwComboRow *row = ADW_COMBO_ROW (find_row (GTK_WIDGET (pm), ADW_TYPE_COMBO_ROW, "_Type"));

    /* None, every point process type, NetStim. */
    g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (row)), ==, NRT_PP_CHANNEL + 2);
    adw_combo_row_set_selected (row, 1 + NRT_PP_EXP2SYN);
    g_assert_cmpuint (n_pp (model), ==, 1);
    g_assert_cmpint (pp_at (model, 0)->type, ==, NRT_PP_EXP2SYN);
    adw_combo_row_set_selected (row, 0);
    g_assert_cmpuint (n_pp (model), ==, 0);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- placing by the shape's signals ------------------------------------------------ */

static void
place_by_shape_subprocess (void)
{
  NrtWindow *window = nrt_window_new (NULL);
  NrtModel *model = nrt_window_get_model (window);
  g_autoptr(GError) error = NULL;
  NrtPointManager *pm;
  GtkWidget *shape;

  g_assert_cmpint (nrt_model_add_section (model, "dend", "soma", 1, 200, 2, &error), ==, 1);
  g_assert_true (nrt_model_set_section_nseg (model, "dend", 5, &error));
  pm = open_manager (window, "win.point-manager");
  shape = nrt_point_manager_get_shape (pm);
  g_assert_true (NRT_IS_SHAPE_VIEW (shape));

  /* None: a pick only moves the place where the next one goes. */
  g_signal_emit_by_name (shape, "section-picked", "dend", 0.7);
  g_assert_cmpuint (n_pp (model), ==, 0);
  g_assert_cmpstr (nrt_point_manager_get_location_section (pm), ==, "dend");
  g_assert_cmpstr (nrt_point_manager_get_location_text (pm), ==,
                   "dend(0.7) — node at x = 0.7 (segment 4 of 5)");
  g_assert_true (nrt_point_manager_choose_type (pm, NRT_PP_ICLAMP, &error));
  g_assert_cmpstr (section_of (model, 0), ==, "dend");
  g_assert_cmpfloat (pp_at (model, 0)->x, ==, 0.7);

  /* A click on the cell moves it (one undo step); the label names the node it acts on. */
  g_signal_emit_by_name (shape, "section-picked", "soma", 0.5);
  g_assert_cmpstr (section_of (model, 0), ==, "soma");
  g_assert_cmpstr (nrt_point_manager_get_location_text (pm), ==,
                   "soma(0.5) — node at x = 0.5 (segment 1 of 1)");
  g_signal_emit_by_name (shape, "section-picked", "dend", 0.83);
  g_assert_cmpfloat (pp_at (model, 0)->x, ==, 0.83);
  g_assert_cmpstr (nrt_point_manager_get_location_text (pm), ==,
                   "dend(0.83) — node at x = 0.9 (segment 5 of 5)");
  undo (model);
  g_assert_cmpstr (section_of (model, 0), ==, "soma");
  g_assert_cmpstr (nrt_point_manager_get_location_text (pm), ==,
                   "soma(0.5) — node at x = 0.5 (segment 1 of 1)");

  /* Dragging a marker selects its point process and moves it. */
  g_assert_cmpint (nrt_model_add_point_process (model, "ExpSyn", "dend", 0.3, &error), ==, 1);
  g_signal_emit_by_name (shape, "marker-moved", 1u, "dend", 1.0);
  g_assert_cmpint (nrt_point_manager_get_selected (pm), ==, 1);
  g_assert_cmpfloat (pp_at (model, 1)->x, ==, 1.0);
  g_assert_cmpstr (section_of (model, 0), ==, "soma");
  g_assert_cmpstr (nrt_point_manager_get_location_text (pm), ==, "dend(1) — node at the 1 end");
  undo (model);
  g_assert_cmpfloat (pp_at (model, 1)->x, ==, 0.3);

  /* The section menu and the x field place it too; refused x shows the reason. */
  g_assert_true (nrt_point_manager_choose_section (pm, "soma"));
  g_assert_cmpstr (section_of (model, 1), ==, "soma");
  g_assert_false (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "x"), "1.5"));
  g_assert_nonnull (nrt_number_entry_get_error (nrt_point_manager_get_field (pm, "x")));
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "x"), "0.25"));
  g_assert_cmpfloat (pp_at (model, 1)->x, ==, 0.25);

  /* The window, shown: a real click on dend(0.5) lands on dend's middle node. */
  nrt_ui_test_show_and_wait (GTK_WINDOW (pm));
  {
    double wx, wy;

    g_assert_true (nrt_shape_view_location_to_widget (NRT_SHAPE_VIEW (shape), "dend", 0.5,
                                                      &wx, &wy));
    g_assert_true (nrt_shape_view_click (NRT_SHAPE_VIEW (shape), wx, wy));
    g_assert_cmpstr (section_of (model, 1), ==, "dend");
    g_assert_cmpfloat (pp_at (model, 1)->x, ==, 0.5);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- the group: list, New, Copy, Remove, Global Spec -------------------------------- */

static void
group_subprocess (void)
{
  NrtWindow *window = nrt_window_new (NULL);
  NrtModel *model = nrt_window_get_model (window);
  g_autoptr(GError) error = NULL;
  g_autoptr(NrtModelData) before = NULL;
  NrtPointManager *pm;

  g_assert_cmpint (nrt_model_add_section (model, "dend", "soma", 1, 200, 2, &error), ==, 1);
  g_assert_cmpint (nrt_model_add_point_process (model, "ExpSyn", "dend", 0.8, &error), ==, 0);
  g_assert_cmpint (nrt_model_add_point_process (model, "IClamp", "soma", 0.5, &error), ==, 1);
  g_assert_cmpint (nrt_model_add_point_process (model, "ExpSyn", "soma", 0.5, &error), ==, 2);
  g_assert_true (nrt_model_set_point_process_param (model, 2, "e", -70, &error));

  pm = open_manager (window, "win.point-group");
  g_assert_cmpstr (nrt_point_manager_get_page (pm), ==, "group");
  g_assert_cmpint (nrt_point_manager_get_selected (pm), ==, 0);

  /* New: a fresh instance of the type with its defaults, at the selection's place. */
  gtk_widget_activate_action (GTK_WIDGET (pm), "pm.new", "s", "Exp2Syn");
  g_assert_cmpuint (n_pp (model), ==, 4);
  g_assert_cmpint (pp_at (model, 3)->type, ==, NRT_PP_EXP2SYN);
  g_assert_cmpstr (section_of (model, 3), ==, "dend");
  g_assert_cmpfloat (pp_at (model, 3)->x, ==, 0.8);
  g_assert_cmpint (nrt_point_manager_get_selected (pm), ==, 3);
  undo (model);
  g_assert_cmpuint (n_pp (model), ==, 3);

  /* Copy: the selected one's parameters, at the same place, one undo step. */
  nrt_point_manager_select (pm, 2);
  gtk_widget_activate_action (GTK_WIDGET (pm), "pm.copy", NULL);
  g_assert_cmpuint (n_pp (model), ==, 4);
  g_assert_cmpint (nrt_point_manager_get_selected (pm), ==, 3);
  g_assert_cmpint (pp_at (model, 3)->type, ==, NRT_PP_EXPSYN);
  g_assert_cmpstr (section_of (model, 3), ==, "soma");
  g_assert_cmpfloat (param (model, 3, "e"), ==, -70);
  {
    g_autofree char *name = nrt_model_point_process_name (model, 3);
    g_assert_cmpstr (name, ==, "ExpSyn[2]");
  }
  undo (model);
  g_assert_cmpuint (n_pp (model), ==, 3);

  /* Global Spec: one value for every ExpSyn, the IClamp untouched, one undo step. */
  before = nrt_model_data_copy (nrt_model_get_data (model));
  nrt_point_manager_select (pm, 0);
  gtk_widget_activate_action (GTK_WIDGET (pm), "pm.panel-style", "s", "global");
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_group_field (pm, "tau"), "5"));
  g_assert_cmpfloat (param (model, 0, "tau"), ==, 5);
  g_assert_cmpfloat (param (model, 2, "tau"), ==, 5);
  g_assert_cmpfloat (param (model, 2, "e"), ==, -70);
  g_assert_cmpfloat (param (model, 1, "amp"), ==, 0);
  /* Refused for all: nothing changes. */
  g_assert_false (nrt_number_entry_commit_text (nrt_point_manager_get_group_field (pm, "tau"), "-1"));
  g_assert_cmpfloat (param (model, 2, "tau"), ==, 5);
  nrt_ui_test_show_and_wait (GTK_WINDOW (pm));
  nrt_ui_test_save_screenshot (GTK_WIDGET (pm), "point-group-global-spec.png");
  undo (model);
  g_assert_true (nrt_model_data_equal (before, nrt_model_get_data (model)));

  /* Selection mode: only the selected one. */
  gtk_widget_activate_action (GTK_WIDGET (pm), "pm.panel-style", "s", "selection");
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_group_field (pm, "tau"), "3"));
  g_assert_cmpfloat (param (model, 0, "tau"), ==, 3);
  g_assert_cmpfloat (param (model, 2, "tau"), ==, 0.1);
  undo (model);

  /* Remove: the selection goes, the next one is selected; undo brings it back. */
  nrt_point_manager_select (pm, 1);
  gtk_widget_activate_action (GTK_WIDGET (pm), "pm.remove", NULL);
  g_assert_cmpuint (n_pp (model), ==, 2);
  g_assert_cmpint (pp_at (model, 1)->type, ==, NRT_PP_EXPSYN);
  g_assert_cmpint (nrt_point_manager_get_selected (pm), ==, 1);
  undo (model);
  g_assert_cmpuint (n_pp (model), ==, 3);
  g_assert_true (nrt_model_data_equal (before, nrt_model_get_data (model)));

  /* Clicking on the cell moves the selected one. */
  nrt_point_manager_select (pm, 2);
  g_signal_emit_by_name (nrt_point_manager_get_shape (pm), "section-picked", "dend", 0.1);
  g_assert_cmpstr (section_of (model, 2), ==, "dend");
  g_assert_cmpstr (section_of (model, 0), ==, "dend");
  g_assert_cmpfloat (pp_at (model, 0)->x, ==, 0.8);

  /* Removing all leaves None; actions that need a selection are off. */
  for (int i = 2; i >= 0; i--)
    {
      nrt_point_manager_select (pm, i);
      gtk_widget_activate_action (GTK_WIDGET (pm), "pm.remove", NULL);
    }
  g_assert_cmpuint (n_pp (model), ==, 0);
  g_assert_cmpint (nrt_point_manager_get_selected (pm), ==, -1);
  gtk_widget_activate_action (GTK_WIDGET (pm), "pm.copy", NULL);
  g_assert_cmpuint (n_pp (model), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- a NetStim driving a synapse through a NetCon ----------------------------------- */

static void
netstim_subprocess (void)
{
  NrtWindow *window = nrt_window_new (NULL);
  NrtModel *model = nrt_window_get_model (window);
  g_autoptr(GError) error = NULL;
  const NrtModelData *data = nrt_model_get_data (model);
  NrtPointManager *pm;

  g_assert_cmpint (nrt_model_add_point_process (model, "IClamp", "soma", 0.5, &error), ==, 0);
  g_assert_cmpint (nrt_model_add_point_process (model, "ExpSyn", "soma", 0.5, &error), ==, 1);
  pm = open_manager (window, "win.point-manager");

  /* An IClamp takes no events: no form, and the action does nothing. */
  g_assert_cmpint (nrt_point_manager_get_selected (pm), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (pm), "pm.connect-netstim", NULL);
  g_assert_cmpuint (data->netstims->len, ==, 0);

  nrt_point_manager_select (pm, 1);
  /* NEURON's NetStim defaults; refused input keeps the old value. */
  g_assert_cmpfloat (nrt_number_entry_get_value (nrt_point_manager_get_field (pm, "input.start")), ==, 50);
  g_assert_cmpfloat (nrt_number_entry_get_default (nrt_point_manager_get_field (pm, "input.weight")), ==, 0);
  g_assert_false (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "input.interval"), "0"));
  g_assert_false (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "input.noise"), "2"));
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "input.start"), "5"));
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "input.interval"), "20"));
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "input.number"), "3"));
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "input.weight"), "0.005"));
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "input.delay"), "2"));
  g_assert_cmpuint (data->netstims->len, ==, 0);   /* a form: nothing until Connect */

  gtk_widget_activate_action (GTK_WIDGET (pm), "pm.connect-netstim", NULL);
  data = nrt_model_get_data (model);
  g_assert_cmpuint (data->netstims->len, ==, 1);
  g_assert_cmpuint (data->netcons->len, ==, 1);
  {
    const NrtNetStim *ns = &g_array_index (data->netstims, NrtNetStim, 0);
    const NrtNetCon *nc = &g_array_index (data->netcons, NrtNetCon, 0);

    g_assert_cmpfloat (ns->start, ==, 5);
    g_assert_cmpfloat (ns->interval, ==, 20);
    g_assert_cmpfloat (ns->number, ==, 3);
    g_assert_cmpfloat (ns->noise, ==, 0);
    g_assert_cmpint (nc->source, ==, 0);
    g_assert_cmpint (nc->target, ==, 1);
    g_assert_cmpfloat (nc->weight, ==, 0.005);
    g_assert_cmpfloat (nc->delay, ==, 2);
    g_assert_cmpfloat (nc->threshold, ==, 10);
  }
  /* Tall enough to show the Spike Input group under the parameters. */
  gtk_window_set_default_size (GTK_WINDOW (pm), 1080, 1000);
  nrt_ui_test_show_and_wait (GTK_WINDOW (pm));
  nrt_ui_test_save_screenshot (GTK_WIDGET (pm), "point-manager-spike-input.png");

  /* The input's fields are editable: its NetStim's and its NetCon's, each one undo step. */
  {
    g_autoptr(NrtModelData) connected = nrt_model_data_copy (data);

    g_assert_null (nrt_point_manager_get_netcon_field (pm, 1, "weight"));
    g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_netcon_field (pm, 0, "start"), "7"));
    g_assert_cmpfloat (g_array_index (data->netstims, NrtNetStim, 0).start, ==, 7);
    g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_netcon_field (pm, 0, "weight"), "0.03"));
    g_assert_cmpfloat (g_array_index (data->netcons, NrtNetCon, 0).weight, ==, 0.03);
    g_assert_false (nrt_number_entry_commit_text (nrt_point_manager_get_netcon_field (pm, 0, "delay"), "-1"));
    g_assert_cmpfloat (g_array_index (data->netcons, NrtNetCon, 0).delay, ==, 2);
    undo (model);
    undo (model);
    g_assert_true (nrt_model_data_equal (connected, nrt_model_get_data (model)));
    g_assert_cmpfloat (nrt_number_entry_get_value (nrt_point_manager_get_netcon_field (pm, 0, "start")), ==, 5);

    /* Remove: the NetCon, and its NetStim, which drives nothing else: one undo step. */
    gtk_widget_activate_action (GTK_WIDGET (pm), "pm.remove-input", "i", 0);
    g_assert_cmpuint (data->netstims->len, ==, 0);
    g_assert_cmpuint (data->netcons->len, ==, 0);
    g_assert_null (nrt_point_manager_get_netcon_field (pm, 0, "weight"));
    undo (model);
    g_assert_true (nrt_model_data_equal (connected, nrt_model_get_data (model)));
  }

  /* One undo step takes both away. */
  undo (model);
  data = nrt_model_get_data (model);
  g_assert_cmpuint (data->netstims->len, ==, 0);
  g_assert_cmpuint (data->netcons->len, ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
}


/* ---- NetStim as a type: fields, connections, remove, copy, switching ----------------- */

static const NrtNetStim *
ns_at (NrtModel *model,
       guint     index)
{
  const NrtModelData *data = nrt_model_get_data (model);

  g_assert_cmpuint (index, <, data->netstims->len);
  return &g_array_index (data->netstims, NrtNetStim, index);
}

static const NrtNetCon *
nc_at (NrtModel *model,
       guint     index)
{
  const NrtModelData *data = nrt_model_get_data (model);

  g_assert_cmpuint (index, <, data->netcons->len);
  return &g_array_index (data->netcons, NrtNetCon, index);
}

static void
netstim_type_subprocess (void)
{
  NrtWindow *window = nrt_window_new (NULL);
  NrtModel *model = nrt_window_get_model (window);
  const NrtModelData *data = nrt_model_get_data (model);
  g_autoptr(GError) error = NULL;
  g_autoptr(NrtModelData) unconnected = NULL;
  g_autoptr(NrtModelData) connected = NULL;
  NrtPointManager *pm;
  GtkWidget *w;

  g_assert_cmpint (nrt_model_add_point_process (model, "ExpSyn", "soma", 0.5, &error), ==, 0);
  pm = open_manager (window, "win.point-manager");
  nrt_point_manager_select (pm, -1);

  /* None → NetStim: a NetStim with NEURON's defaults; no location. */
  g_assert_true (nrt_point_manager_choose_type (pm, NRT_POINT_MANAGER_NETSTIM, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (data->netstims->len, ==, 1);
  g_assert_cmpuint (n_pp (model), ==, 1);
  g_assert_cmpint (nrt_point_manager_get_selected_netstim (pm), ==, 0);
  g_assert_cmpint (nrt_point_manager_get_selected (pm), ==, -1);
  g_assert_cmpint (nrt_point_manager_get_type_choice (pm), ==, NRT_POINT_MANAGER_NETSTIM);
  g_assert_cmpfloat (ns_at (model, 0)->start, ==, 50);
  g_assert_cmpfloat (ns_at (model, 0)->interval, ==, 10);
  g_assert_cmpfloat (ns_at (model, 0)->number, ==, 10);
  g_assert_cmpfloat (ns_at (model, 0)->noise, ==, 0);
  g_assert_cmpstr (nrt_point_manager_get_location_text (pm), ==, "An artificial cell: no location");
  w = find_row (GTK_WIDGET (pm), ADW_TYPE_COMBO_ROW, "_Section");
  g_assert_false (gtk_widget_get_visible (w) && gtk_widget_get_visible (gtk_widget_get_ancestor (w, ADW_TYPE_PREFERENCES_GROUP)));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (find_row (GTK_WIDGET (pm), ADW_TYPE_ACTION_ROW, "Instance"))),
                   ==, "NetStim[0] — an artificial cell: no location");
  {
    AdwComboRow *row = ADW_COMBO_ROW (find_row (GTK_WIDGET (pm), ADW_TYPE_COMBO_ROW, "_Type"));
    g_assert_cmpuint (adw_combo_row_get_selected (row), ==, NRT_POINT_MANAGER_NETSTIM + 1);
  }
  g_assert_cmpstr (nrt_number_entry_get_label (nrt_point_manager_get_field (pm, "start")), ==, "start (ms)");
  g_assert_cmpstr (nrt_number_entry_get_label (nrt_point_manager_get_field (pm, "interval")), ==, "interval (ms)");
  g_assert_cmpfloat (nrt_number_entry_get_default (nrt_point_manager_get_field (pm, "number")), ==, 10);
  g_assert_cmpfloat (nrt_number_entry_get_default (nrt_point_manager_get_field (pm, "noise")), ==, 0);
  g_assert_null (nrt_point_manager_get_field (pm, "tau"));

  /* Fields: each one undo step; refused values change nothing. */
  unconnected = nrt_model_data_copy (data);
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "start"), "5"));
  g_assert_cmpfloat (ns_at (model, 0)->start, ==, 5);
  undo (model);
  g_assert_true (nrt_model_data_equal (unconnected, data));
  g_assert_cmpfloat (nrt_number_entry_get_value (nrt_point_manager_get_field (pm, "start")), ==, 50);
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "start"), "5"));
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "number"), "3"));
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "interval"), "10"));
  g_clear_pointer (&unconnected, nrt_model_data_free);
  unconnected = nrt_model_data_copy (data);
  g_assert_false (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "interval"), "0"));
  g_assert_false (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "noise"), "1.5"));
  g_assert_false (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "number"), "-2"));
  g_assert_false (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "start"), "nan"));
  g_assert_nonnull (nrt_number_entry_get_error (nrt_point_manager_get_field (pm, "noise")));
  g_assert_true (nrt_model_data_equal (unconnected, data));
  g_assert_cmpfloat (ns_at (model, 0)->start, ==, 5);
  g_assert_cmpfloat (ns_at (model, 0)->number, ==, 3);

  /* Connect to… ExpSyn[0]: a NetCon, one undo step, listed with its target. */
  g_assert_null (find_row (GTK_WIDGET (pm), ADW_TYPE_EXPANDER_ROW, "→ ExpSyn[0] at soma(0.5)"));
  gtk_widget_activate_action (GTK_WIDGET (pm), "pm.connect-to", "i", 0);
  g_assert_cmpuint (data->netcons->len, ==, 1);
  g_assert_cmpint (nc_at (model, 0)->source, ==, 0);
  g_assert_cmpint (nc_at (model, 0)->target, ==, 0);
  g_assert_cmpfloat (nc_at (model, 0)->weight, ==, 0.01);
  g_assert_cmpfloat (nc_at (model, 0)->delay, ==, 1);
  g_assert_cmpfloat (nc_at (model, 0)->threshold, ==, 10);
  w = find_row (GTK_WIDGET (pm), ADW_TYPE_EXPANDER_ROW, "→ ExpSyn[0] at soma(0.5)");
  g_assert_nonnull (w);
  undo (model);
  g_assert_true (nrt_model_data_equal (unconnected, data));
  gtk_widget_activate_action (GTK_WIDGET (pm), "pm.connect-to", "i", 0);
  /* The page, with its connection open (fields rebuilt, without the refused texts above). */
  nrt_point_manager_select (pm, 0);
  nrt_point_manager_select_netstim (pm, 0);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (find_row (GTK_WIDGET (pm), ADW_TYPE_EXPANDER_ROW,
                                                             "→ ExpSyn[0] at soma(0.5)")), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (pm), 1080, 1000);
  nrt_ui_test_show_and_wait (GTK_WINDOW (pm));
  {
    /* The whole connection in view: the page scrolled to its end, once laid out. */
    GtkWidget *scrolled = gtk_widget_get_ancestor (find_row (GTK_WIDGET (pm), ADW_TYPE_EXPANDER_ROW,
                                                             "→ ExpSyn[0] at soma(0.5)"),
                                                   GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

    for (int i = 0; i < 30; i++)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (10000);
      }
    gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
    nrt_ui_test_show_and_wait (GTK_WINDOW (pm));
  }
  nrt_ui_test_save_screenshot (GTK_WIDGET (pm), "point-manager-netstim.png");

  /* Not an ExpSyn: refused, nothing changes. */
  g_assert_cmpint (nrt_model_add_point_process (model, "IClamp", "soma", 0.5, &error), ==, 1);
  nrt_point_manager_select_netstim (pm, 0);
  connected = nrt_model_data_copy (data);
  gtk_widget_activate_action (GTK_WIDGET (pm), "pm.connect-to", "i", 1);
  g_assert_true (nrt_model_data_equal (connected, data));

  /* Weight, delay and threshold in the connection's row. */
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_netcon_field (pm, 0, "weight"), "0.02"));
  g_assert_cmpfloat (nc_at (model, 0)->weight, ==, 0.02);
  g_assert_false (nrt_number_entry_commit_text (nrt_point_manager_get_netcon_field (pm, 0, "threshold"), "2000"));
  g_assert_cmpfloat (nc_at (model, 0)->threshold, ==, 10);
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_netcon_field (pm, 0, "delay"), "2"));
  g_assert_cmpfloat (nc_at (model, 0)->delay, ==, 2);
  undo (model);
  undo (model);
  g_assert_true (nrt_model_data_equal (connected, data));
  g_assert_cmpfloat (nrt_number_entry_get_value (nrt_point_manager_get_netcon_field (pm, 0, "weight")), ==, 0.01);


  /* The Point Group lists it after the point processes. */
  g_assert_nonnull (find_row (GTK_WIDGET (pm), ADW_TYPE_ACTION_ROW, "NetStim[0] → ExpSyn[0]"));

  /* Remove the connection: the NetStim stays. */
  gtk_widget_activate_action (GTK_WIDGET (pm), "pm.remove-netcon", "i", 0);
  g_assert_cmpuint (data->netcons->len, ==, 0);
  g_assert_cmpuint (data->netstims->len, ==, 1);
  g_assert_null (find_row (GTK_WIDGET (pm), ADW_TYPE_EXPANDER_ROW, "→ ExpSyn[0] at soma(0.5)"));
  g_assert_nonnull (find_row (GTK_WIDGET (pm), ADW_TYPE_ACTION_ROW, "NetStim[0] (not connected)"));
  undo (model);
  g_assert_true (nrt_model_data_equal (connected, data));
  g_assert_nonnull (find_row (GTK_WIDGET (pm), ADW_TYPE_EXPANDER_ROW, "→ ExpSyn[0] at soma(0.5)"));

  /* Copy (Point Group): the NetStim and its connection, one undo step. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.point-group", NULL);
  gtk_widget_activate_action (GTK_WIDGET (pm), "pm.copy", NULL);
  g_assert_cmpuint (data->netstims->len, ==, 2);
  g_assert_cmpuint (data->netcons->len, ==, 2);
  g_assert_cmpint (nrt_point_manager_get_selected_netstim (pm), ==, 1);
  g_assert_cmpfloat (ns_at (model, 1)->start, ==, 5);
  g_assert_cmpint (nc_at (model, 1)->source, ==, 1);
  g_assert_cmpint (nc_at (model, 1)->target, ==, 0);
  g_assert_nonnull (find_row (GTK_WIDGET (pm), ADW_TYPE_ACTION_ROW, "NetStim[1] → ExpSyn[0]"));
  /* Global Spec: every NetStim at once, one undo step; the selection alone otherwise. */
  {
    g_autoptr(NrtModelData) copied = nrt_model_data_copy (data);

    gtk_widget_activate_action (GTK_WIDGET (pm), "pm.panel-style", "s", "global");
    g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_group_field (pm, "interval"), "20"));
    g_assert_cmpfloat (ns_at (model, 0)->interval, ==, 20);
    g_assert_cmpfloat (ns_at (model, 1)->interval, ==, 20);
    g_assert_false (nrt_number_entry_commit_text (nrt_point_manager_get_group_field (pm, "noise"), "3"));
    undo (model);
    g_assert_true (nrt_model_data_equal (copied, data));
    gtk_widget_activate_action (GTK_WIDGET (pm), "pm.panel-style", "s", "selection");
    g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_group_field (pm, "interval"), "30"));
    g_assert_cmpfloat (ns_at (model, 0)->interval, ==, 10);
    g_assert_cmpfloat (ns_at (model, 1)->interval, ==, 30);
    undo (model);
    g_assert_true (nrt_model_data_equal (copied, data));
  }
  undo (model);
  g_assert_true (nrt_model_data_equal (connected, data));
  g_assert_cmpint (nrt_point_manager_get_selected_netstim (pm), ==, 0);

  /* Remove the NetStim: its NetCon goes too; one undo step. */
  gtk_widget_activate_action (GTK_WIDGET (pm), "pm.remove", NULL);
  g_assert_cmpuint (data->netstims->len, ==, 0);
  g_assert_cmpuint (data->netcons->len, ==, 0);
  g_assert_cmpuint (n_pp (model), ==, 2);
  g_assert_cmpint (nrt_point_manager_get_selected_netstim (pm), ==, -1);
  undo (model);
  g_assert_true (nrt_model_data_equal (connected, data));

  /* New → NetStim in the Point Group: NEURON's defaults, unconnected. */
  gtk_widget_activate_action (GTK_WIDGET (pm), "pm.new", "s", "NetStim");
  g_assert_cmpuint (data->netstims->len, ==, 2);
  g_assert_cmpfloat (ns_at (model, 1)->start, ==, 50);
  g_assert_cmpint (nrt_point_manager_get_selected_netstim (pm), ==, 1);
  undo (model);
  g_assert_true (nrt_model_data_equal (connected, data));

  /* Switching NetStim → IClamp → NetStim: one undo step each; NetStim's values come back. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.point-manager", NULL);
  nrt_point_manager_select_netstim (pm, 0);
  g_assert_true (nrt_point_manager_choose_type (pm, NRT_PP_ICLAMP, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (data->netstims->len, ==, 0);
  g_assert_cmpuint (data->netcons->len, ==, 0);
  g_assert_cmpuint (n_pp (model), ==, 3);
  g_assert_cmpint (nrt_point_manager_get_selected (pm), ==, 2);
  g_assert_cmpstr (section_of (model, 2), ==, "soma");
  g_assert_cmpfloat (nrt_point_manager_get_remembered (pm, NRT_POINT_MANAGER_NETSTIM)[0], ==, 5);
  w = find_row (GTK_WIDGET (pm), ADW_TYPE_COMBO_ROW, "_Section");
  g_assert_true (gtk_widget_get_visible (w) && gtk_widget_get_visible (gtk_widget_get_ancestor (w, ADW_TYPE_PREFERENCES_GROUP)));
  g_assert_true (nrt_point_manager_choose_type (pm, NRT_POINT_MANAGER_NETSTIM, &error));
  g_assert_cmpuint (n_pp (model), ==, 2);
  g_assert_cmpuint (data->netstims->len, ==, 1);
  g_assert_cmpfloat (ns_at (model, 0)->start, ==, 5);
  g_assert_cmpfloat (ns_at (model, 0)->number, ==, 3);
  g_assert_cmpuint (data->netcons->len, ==, 0);   /* a new one starts unconnected */
  undo (model);
  undo (model);
  g_assert_true (nrt_model_data_equal (connected, data));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- end to end: NEURON's ExpSyn driven by a NetStim, all set in the manager ------- */

static gboolean
run_done (gpointer user_data)
{
  NrtSession *session = user_data;

  return !nrt_session_get_busy (session) && !nrt_session_get_running (session)
         && nrt_session_get_t (session) >= 40 - 1e-9;
}

static void
synapse_run_subprocess (void)
{
  NrtWindow *window = window_with ("soma-hh.nml");
  NrtModel *model = nrt_window_get_model (window);
  NrtSession *session = nrt_window_get_session (window);
  const NrtModelData *data = nrt_model_get_data (model);
  g_autofree char *reference = g_build_filename (NRT_SOURCE_ROOT, "tests", "reference",
                                                 "synapse_expsyn.csv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  NrtRunSettings settings = data->settings;
  NrtTraceStore *store;
  NrtPointManager *pm;
  gint64 deadline;
  guint64 n;
  double worst = 0;
  int trace;

  /* The file's IClamp becomes an ExpSyn (tau 2, e 0) at soma(0.5). */
  pm = open_manager (window, "win.point-manager");
  g_assert_cmpint (nrt_point_manager_get_selected (pm), ==, 0);
  g_assert_true (nrt_point_manager_choose_type (pm, NRT_PP_EXPSYN, &error));
  g_assert_no_error (error);
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "tau"), "2"));
  g_assert_cmpfloat (param (model, 0, "e"), ==, 0);

  /* A NetStim (New in the group), start 5, number 3, interval 10, connected with weight 0.01
   * and delay 1. */
  gtk_widget_activate_action (GTK_WIDGET (pm), "pm.new", "s", "NetStim");
  g_assert_cmpint (nrt_point_manager_get_selected_netstim (pm), ==, 0);
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "start"), "5"));
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "number"), "3"));
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "interval"), "10"));
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "noise"), "0"));
  gtk_widget_activate_action (GTK_WIDGET (pm), "pm.connect-to", "i", 0);
  g_assert_cmpuint (data->netcons->len, ==, 1);
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_netcon_field (pm, 0, "weight"), "0.01"));
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_netcon_field (pm, 0, "delay"), "1"));
  g_assert_cmpuint (n_pp (model), ==, 1);

  settings.tstop = 40;
  g_assert_true (nrt_model_set_settings (model, &settings, &error));

  trace = nrt_session_add_trace (session, "soma(0.5).v", &error);
  g_assert_no_error (error);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.init-run", NULL);
  deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  while (!run_done (session))
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (200);
      if (g_get_monotonic_time () > deadline)
        g_error ("the run did not finish");
    }

  store = nrt_session_get_trace_store (session);
  n = nrt_trace_store_get_length (store, trace);
  g_assert_true (g_file_get_contents (reference, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "t,soma(0.5).v,ExpSyn[0].g,ExpSyn[0].i");
  g_assert_cmpuint (n, ==, 1601);
  {
    g_autofree double *t = g_new (double, n);
    g_autofree double *y = g_new (double, n);
    double peak = -1e9;

    g_assert_cmpuint (nrt_trace_store_read (store, trace, 0, n, t, y), ==, n);
    for (guint64 i = 0; i < n; i++)
      {
        g_auto(GStrv) cells = g_strsplit (lines[i + 1], ",", -1);
        double rt = g_ascii_strtod (cells[0], NULL), rv = g_ascii_strtod (cells[1], NULL);

        g_assert_cmpfloat_with_epsilon (t[i], rt, 1e-9);
        worst = MAX (worst, fabs (y[i] - rv));
        peak = MAX (peak, y[i]);
      }
    g_test_message ("synapse_expsyn.csv: %" G_GUINT64_FORMAT " samples, max |Δv| = %.3g mV, peak %.6g mV",
                    n, worst, peak);
    /* Three EPSPs that fire the soma. */
    g_assert_cmpfloat (peak, >, 0);
  }
  g_assert_cmpfloat (worst, <=, 1e-6);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- the lab's Part 2: IClamp at the middle of the axon, then click to move it ------ */

static void
lab_part2_subprocess (void)
{
  NrtWindow *window = window_with ("squid-axon.nml");
  NrtModel *model = nrt_window_get_model (window);
  g_autoptr(GError) error = NULL;
  NrtPointManager *pm;
  NrtShapeView *shape;
  double wx, wy;

  /* The file's clamp goes first (Point Group → Remove), so the manager starts from None. */
  pm = open_manager (window, "win.point-group");
  g_assert_cmpint (nrt_point_manager_get_selected (pm), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (pm), "pm.remove", NULL);
  g_assert_cmpuint (n_pp (model), ==, 0);

  /* 2: Point Manager → IClamp at the middle of the axon, del 1, dur 1, amp 1. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.point-manager", NULL);
  g_assert_cmpstr (nrt_point_manager_get_page (pm), ==, "manager");
  g_assert_true (nrt_point_manager_choose_type (pm, NRT_PP_ICLAMP, &error));
  g_assert_no_error (error);
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "del"), "1"));
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "dur"), "1"));
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "amp"), "1"));
  g_assert_cmpstr (section_of (model, 0), ==, "axon");
  g_assert_cmpfloat (pp_at (model, 0)->x, ==, 0.5);
  g_assert_cmpstr (nrt_point_manager_get_location_text (pm), ==,
                   "axon(0.5) — node at x = 0.5 (segment 22 of 43)");

  /* Show → Shape, then click on the axon a quarter of the way along. */
  nrt_ui_test_show_and_wait (GTK_WINDOW (pm));
  shape = NRT_SHAPE_VIEW (nrt_point_manager_get_shape (pm));
  g_assert_true (nrt_shape_view_location_to_widget (shape, "axon", 0.25, &wx, &wy));
  g_assert_true (nrt_shape_view_click (shape, wx, wy));
  g_assert_cmpstr (section_of (model, 0), ==, "axon");
  /* int(0.25·43) = 10: the node of segment 11, at 10.5/43. */
  g_assert_cmpfloat_with_epsilon (pp_at (model, 0)->x, 10.5 / 43, 1e-9);
  g_assert_nonnull (strstr (nrt_point_manager_get_location_text (pm), "(segment 11 of 43)"));
  nrt_ui_test_show_and_wait (GTK_WINDOW (pm));
  nrt_ui_test_save_screenshot (GTK_WIDGET (pm), "point-manager-squid-axon.png");

  /* 4: amp = 150 nA, back in the middle by dragging the marker. */
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "amp"), "150"));
  g_signal_emit_by_name (shape, "marker-moved", 0u, "axon", 21.5 / 43);
  g_assert_cmpstr (nrt_point_manager_get_location_text (pm), ==,
                   "axon(0.5) — node at x = 0.5 (segment 22 of 43)");
  g_assert_cmpfloat (param (model, 0, "amp"), ==, 150);

  /* 8: an IClamp at each end: Copy, then click near each end. */
  gtk_widget_activate_action (GTK_WIDGET (pm), "pm.copy", NULL);
  g_assert_cmpuint (n_pp (model), ==, 2);
  g_assert_true (nrt_shape_view_location_to_widget (shape, "axon", 0.0, &wx, &wy));
  g_assert_true (nrt_shape_view_click (shape, wx, wy));
  nrt_point_manager_select (pm, 0);
  g_assert_true (nrt_shape_view_location_to_widget (shape, "axon", 1.0, &wx, &wy));
  g_assert_true (nrt_shape_view_click (shape, wx, wy));
  g_assert_cmpfloat (param (model, 1, "amp"), ==, 150);
  {
    double x0 = pp_at (model, 0)->x, x1 = pp_at (model, 1)->x;

    g_test_message ("clamps at axon(%g) and axon(%g)", x0, x1);
    g_assert_cmpfloat (MAX (x0, x1), >=, 42.5 / 43 - 1e-9);
    g_assert_cmpfloat (MIN (x0, x1), <=, 0.5 / 43 + 1e-9);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- layout persistence ------------------------------------------------------------ */

static void
layout_subprocess (void)
{
  NrtWindow *window = nrt_window_new (NULL);
  NrtWindow *reopened = nrt_window_new (NULL);
  g_autofree char *layout = NULL;

  open_manager (window, "win.point-manager");
  layout = _nrt_window_save_layout (window);
  g_assert_nonnull (strstr (layout, "type=point-manager"));

  _nrt_window_restore_layout (reopened, layout);
  g_assert_nonnull (_nrt_window_find_tool (reopened, NRT_TYPE_POINT_MANAGER));

  /* Layouts written when this window was the IClamp editor. */
  gtk_window_destroy (GTK_WINDOW (reopened));
  reopened = nrt_window_new (NULL);
  _nrt_window_restore_layout (reopened, "[main]\nwidth=800\nheight=600\n\n[tool0]\ntype=iclamp\nwidth=400\nheight=500\n");
  g_assert_nonnull (_nrt_window_find_tool (reopened, NRT_TYPE_POINT_MANAGER));

  gtk_window_destroy (GTK_WINDOW (reopened));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- screenshots --------------------------------------------------------------------- */

static void
screenshots_subprocess (void)
{
  NrtWindow *window = window_with ("stylized-cell.nml");
  NrtModel *model = nrt_window_get_model (window);
  g_autoptr(GError) error = NULL;
  NrtPointManager *pm;
  int syn;

  g_assert_cmpint (nrt_model_add_point_process (model, "AlphaSynapse", "bas", 0.7, &error), >=, 0);
  syn = nrt_model_add_point_process (model, "ExpSyn", "ap[1]", 0.8, &error);
  g_assert_cmpint (syn, >=, 0);
  g_assert_true (nrt_model_set_point_process_param (model, syn, "tau", 2, &error));
  g_assert_true (nrt_model_set_point_process_param (model, syn, "e", -80, &error));
  g_assert_cmpint (nrt_model_add_point_process (model, "ExpSyn", "ap[2]", 0.6, &error), >=, 0);

  pm = open_manager (window, "win.point-manager");
  nrt_point_manager_select (pm, syn);
  nrt_ui_test_show_and_wait (GTK_WINDOW (pm));
  nrt_ui_test_save_screenshot (GTK_WIDGET (pm), "point-manager.png");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.point-group", NULL);
  nrt_ui_test_show_and_wait (GTK_WINDOW (pm));
  nrt_ui_test_save_screenshot (GTK_WIDGET (pm), "point-group.png");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.point-manager", NULL);
  nrt_ui_test_show_and_wait (GTK_WINDOW (pm));
  nrt_ui_test_save_screenshot (GTK_WIDGET (pm), "point-manager-dark.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_DEFAULT);

  gtk_window_destroy (GTK_WINDOW (window));
}


/* The library's point channels join the type menu after NetStim; their page shows gmax (µS),
 * e only for NonSpecific channels and Nsingle only for single-channel ones; removing the
 * channel from the library takes its instances and its menu entry away. */
static void
point_channels_subprocess (void)
{
  NrtWindow *window = nrt_window_new (NULL);
  NrtModel *model = nrt_window_get_model (window);
  NrtPointManager *pm = open_manager (window, "win.point-manager");
  g_autoptr(NrtChannel) myk = nrt_channel_new_hh_k ();
  g_autoptr(NrtChannel) gap = nrt_channel_new ("gap");
  g_autoptr(NrtChannel) dens = nrt_channel_new ("dens");
  g_autoptr(GError) error = NULL;
  NrtKsScheme *ks;
  AdwComboRow *row;
  GListModel *types;
  int c_myk, c_gap;

  g_free (myk->name);
  myk->name = g_strdup ("myK");
  myk->kind = NRT_CHANNEL_POINT;
  myk->gmax = 0.002;
  gap->kind = NRT_CHANNEL_POINT;
  gap->erev = -20;
  gap->single = TRUE;
  ks = nrt_channel_add_scheme (gap, 1);
  nrt_ks_scheme_add_state (ks, "C", 0, 0, 0);
  nrt_ks_scheme_add_state (ks, "O", 1, 40, 0);
  nrt_ks_scheme_add_transition (ks, 0, 1, NRT_GATE_ALPHA_BETA,
                                &(NrtRate) { NRT_RATE_CONSTANT, 0.5, 0, 0 },
                                &(NrtRate) { NRT_RATE_CONSTANT, 0.25, 0, 0 }, NRT_ION_NA, 1);
  g_assert_true (nrt_model_add_channel (model, dens, &error));
  g_assert_true (nrt_model_add_channel (model, myk, &error));
  g_assert_true (nrt_model_add_channel (model, gap, &error));
  g_assert_no_error (error);
  c_myk = nrt_model_find_channel (model, "myK");
  c_gap = nrt_model_find_channel (model, "gap");

  /* None, 7 built-ins, NetStim, then myK and gap (not the density channel). */
  row = ADW_COMBO_ROW (find_row (GTK_WIDGET (pm), ADW_TYPE_COMBO_ROW, "_Type"));
  g_assert_nonnull (row);
  types = adw_combo_row_get_model (row);
  g_assert_cmpuint (g_list_model_get_n_items (types), ==, NRT_PP_CHANNEL + 4);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (types), NRT_PP_CHANNEL + 2), ==, "myK");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (types), NRT_PP_CHANNEL + 3), ==, "gap");

  g_assert_true (nrt_point_manager_choose_type (pm, NRT_POINT_MANAGER_CHANNEL0 + c_myk, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_pp (model), ==, 1);
  g_assert_cmpint (pp_at (model, 0)->type, ==, NRT_PP_CHANNEL);
  g_assert_cmpint (pp_at (model, 0)->channel, ==, c_myk);
  g_assert_cmpfloat (pp_at (model, 0)->p[NRT_PCHAN_GMAX], ==, 0.002);
  g_assert_cmpint (nrt_point_manager_get_type_choice (pm), ==, NRT_POINT_MANAGER_CHANNEL0 + c_myk);
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, NRT_PP_CHANNEL + 2);
  g_assert_cmpstr (nrt_number_entry_get_label (nrt_point_manager_get_field (pm, "gmax")), ==,
                   "gmax (µS)");
  g_assert_null (nrt_point_manager_get_field (pm, "e"));
  g_assert_null (nrt_point_manager_get_field (pm, "Nsingle"));
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "gmax"), "0.5"));
  g_assert_cmpfloat (pp_at (model, 0)->p[NRT_PCHAN_GMAX], ==, 0.5);
  g_assert_false (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "gmax"), "-1"));
  g_assert_cmpfloat (pp_at (model, 0)->p[NRT_PCHAN_GMAX], ==, 0.5);

  /* → gap: e and Nsingle; myK's value is remembered for later. */
  g_assert_true (nrt_point_manager_choose_type (pm, NRT_POINT_MANAGER_CHANNEL0 + c_gap, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_pp (model), ==, 1);
  g_assert_cmpint (pp_at (model, 0)->channel, ==, c_gap);
  g_assert_cmpfloat (nrt_point_manager_get_remembered (pm, NRT_POINT_MANAGER_CHANNEL0 + c_myk)[NRT_PCHAN_GMAX], ==, 0.5);
  g_assert_nonnull (nrt_point_manager_get_field (pm, "e"));
  g_assert_cmpfloat (nrt_number_entry_get_value (nrt_point_manager_get_field (pm, "e")), ==, -20);
  g_assert_true (nrt_number_entry_commit_text (nrt_point_manager_get_field (pm, "Nsingle"), "100"));
  g_assert_cmpfloat (pp_at (model, 0)->p[NRT_PCHAN_NSINGLE], ==, 100);
  {
    g_autofree char *name = nrt_model_point_process_name (model, 0);
    g_assert_cmpstr (name, ==, "gap[0]");
  }
  g_assert_true (nrt_point_manager_choose_type (pm, NRT_POINT_MANAGER_CHANNEL0 + c_myk, &error));
  g_assert_cmpfloat (pp_at (model, 0)->p[NRT_PCHAN_GMAX], ==, 0.5);

  /* Removing myK from the library removes its instance and its menu entry. */
  g_assert_true (nrt_model_remove_channel (model, "myK", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_pp (model), ==, 0);
  types = adw_combo_row_get_model (row);
  g_assert_cmpuint (g_list_model_get_n_items (types), ==, NRT_PP_CHANNEL + 3);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (types), NRT_PP_CHANNEL + 2), ==, "gap");
  g_assert_cmpint (nrt_point_manager_get_type_choice (pm), ==, -1);

  /* Undo brings both back, and the manager shows the instance again. */
  g_assert_true (nrt_model_undo (model, NULL));
  g_assert_cmpuint (n_pp (model), ==, 1);
  nrt_point_manager_select (pm, 0);
  g_assert_cmpint (nrt_point_manager_get_type_choice (pm), ==,
                   NRT_POINT_MANAGER_CHANNEL0 + nrt_model_find_channel (model, "myK"));
  nrt_ui_test_show_and_wait (GTK_WINDOW (pm));
  nrt_ui_test_save_screenshot (GTK_WIDGET (pm), "point-manager-channel.png");

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  nrt_ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/point-manager/snap", test_snap);
  NRT_UI_ADD_TRAPPED ("/ui/point-manager/type-switch", type_switch_subprocess);
  NRT_UI_ADD_TRAPPED ("/ui/point-manager/place-by-shape", place_by_shape_subprocess);
  NRT_UI_ADD_TRAPPED ("/ui/point-manager/group", group_subprocess);
  NRT_UI_ADD_TRAPPED ("/ui/point-manager/netstim", netstim_subprocess);
  NRT_UI_ADD_TRAPPED ("/ui/point-manager/netstim-type", netstim_type_subprocess);
  NRT_UI_ADD_TRAPPED ("/ui/point-manager/synapse-run", synapse_run_subprocess, have_soma_hh,
                      "models/soma-hh.nml is missing");
  NRT_UI_ADD_TRAPPED ("/ui/point-manager/lab-part2", lab_part2_subprocess, have_squid_axon,
                      "models/squid-axon.nml is missing");
  NRT_UI_ADD_TRAPPED ("/ui/point-manager/layout", layout_subprocess);
  NRT_UI_ADD_TRAPPED ("/ui/point-manager/point-channels", point_channels_subprocess);
  NRT_UI_ADD_TRAPPED ("/ui/point-manager/screenshots", screenshots_subprocess, have_stylized_cell,
                      "models/stylized-cell.nml is missing");

  return g_test_run ();
}
