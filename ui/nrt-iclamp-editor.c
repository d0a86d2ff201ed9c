/* nrt-iclamp-editor.c: a minimal IClamp editor (location, del, dur, amp), until the Point
 * Process Manager arrives.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every edit goes through the model API (nrt_model_add_point_process, _move_point_process,
 * _set_point_process_param), so it is one undo step and a running simulation bends at once.
 */
#include "nrt-ui-config.h"

#include <glib/gi18n-lib.h>

#include "nrt-iclamp-editor.h"

struct _NrtIclampEditor
{
  AdwWindow       parent_instance;

  NrtWindow      *main_window;   /* weak */
  NrtModel       *model;
  gulong          changed_id;
  int             selected;      /* model index, or -1 */
  guint           updating : 1;

  /* template children */
  GtkStack       *stack;
  GtkListBox     *clamp_list;
  GtkLabel       *detail_title;
  GtkDropDown    *section_dropdown;
  NrtNumberEntry *x_entry;
  NrtNumberEntry *del_entry;
  NrtNumberEntry *dur_entry;
  NrtNumberEntry *amp_entry;
};

G_DEFINE_FINAL_TYPE (NrtIclampEditor, nrt_iclamp_editor, ADW_TYPE_WINDOW)

static const NrtPointProcess *
get_clamp (NrtIclampEditor *self,
           int              index)
{
  const NrtModelData *data = nrt_model_get_data (self->model);
  const NrtPointProcess *pp;

  if (index < 0 || (guint) index >= data->point_processes->len)
    return NULL;
  pp = g_ptr_array_index (data->point_processes, index);
  return pp->type == NRT_PP_ICLAMP ? pp : NULL;
}

static void
report (NrtIclampEditor *self,
        const GError    *error)
{
  if (self->main_window != NULL)
    nrt_window_show_error (self->main_window, error->message);
}

/* ---- model → widgets ---- */

static void
nrt_iclamp_editor_update_sections (NrtIclampEditor *self)
{
  const NrtModelData *data = nrt_model_get_data (self->model);
  GListModel *current = gtk_drop_down_get_model (self->section_dropdown);
  gboolean same = current != NULL && g_list_model_get_n_items (current) == data->sections->len;
  g_autoptr(GtkStringList) names = NULL;

  for (guint i = 0; same && i < data->sections->len; i++)
    {
      const NrtSection *sec = g_ptr_array_index (data->sections, i);
      same = g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (current), i), sec->name) == 0;
    }
  if (same)
    return;

  names = gtk_string_list_new (NULL);
  for (guint i = 0; i < data->sections->len; i++)
    gtk_string_list_append (names, ((const NrtSection *) g_ptr_array_index (data->sections, i))->name);
  gtk_drop_down_set_model (self->section_dropdown, G_LIST_MODEL (names));
}

static void
nrt_iclamp_editor_update_detail (NrtIclampEditor *self)
{
  const NrtPointProcess *pp = get_clamp (self, self->selected);
  const NrtMechanismInfo *info = nrt_point_process_info (NRT_PP_ICLAMP);
  NrtNumberEntry *entries[] = { self->del_entry, self->dur_entry, self->amp_entry };
  g_autofree char *name = NULL;

  if (pp == NULL)
    return;

  name = nrt_model_point_process_name (self->model, self->selected);
  gtk_label_set_text (self->detail_title, name);

  self->updating = TRUE;
  gtk_drop_down_set_selected (self->section_dropdown, pp->section);
  self->updating = FALSE;
  nrt_number_entry_set_value (self->x_entry, pp->x);
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      const char *param = g_object_get_data (G_OBJECT (entries[i]), "nrt-param");
      int k = nrt_param_lookup (info, param);

      if (k >= 0)
        nrt_number_entry_set_value (entries[i], pp->p[k]);
    }
}

static GtkWidget *
make_row (NrtIclampEditor       *self,
          guint                  index,
          const NrtPointProcess *pp)
{
  const NrtModelData *data = nrt_model_get_data (self->model);
  const NrtMechanismInfo *info = nrt_point_process_info (NRT_PP_ICLAMP);
  const NrtSection *sec = g_ptr_array_index (data->sections, pp->section);
  g_autofree char *name = nrt_model_point_process_name (self->model, index);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_action_row_new ();
  int k_del = nrt_param_lookup (info, "del");
  int k_dur = nrt_param_lookup (info, "dur");
  int k_amp = nrt_param_lookup (info, "amp");

  /* Translators: an IClamp and where it is, "IClamp[0] at soma(0.5)" */
  title = g_strdup_printf (_("%s at %s(%g)"), name, sec->name, pp->x);
  /* Translators: the pulse, "0.3 nA from 1 ms for 0.1 ms" */
  subtitle = g_strdup_printf (_("%g nA from %g ms for %g ms"),
                              pp->p[k_amp], pp->p[k_del], pp->p[k_dur]);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  g_object_set_data (G_OBJECT (row), "nrt-index", GINT_TO_POINTER (index));
  return row;
}

static void
nrt_iclamp_editor_update (NrtIclampEditor *self)
{
  const NrtModelData *data = nrt_model_get_data (self->model);
  GtkWidget *child;
  GtkListBoxRow *to_select = NULL;
  int first = -1;

  nrt_iclamp_editor_update_sections (self);

  self->updating = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->clamp_list))) != NULL)
    gtk_list_box_remove (self->clamp_list, child);

  if (get_clamp (self, self->selected) == NULL)
    self->selected = -1;

  for (guint i = 0; i < data->point_processes->len; i++)
    {
      const NrtPointProcess *pp = g_ptr_array_index (data->point_processes, i);
      GtkWidget *row;

      if (pp->type != NRT_PP_ICLAMP)
        continue;
      if (first < 0)
        first = i;
      row = make_row (self, i, pp);
      gtk_list_box_append (self->clamp_list, row);
      if (self->selected == (int) i || (self->selected < 0 && first == (int) i))
        to_select = GTK_LIST_BOX_ROW (row);
    }
  if (self->selected < 0)
    self->selected = first;
  if (to_select != NULL)
    gtk_list_box_select_row (self->clamp_list, to_select);
  self->updating = FALSE;

  gtk_stack_set_visible_child_name (self->stack, first < 0 ? "empty" : "list");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "iclamp.remove", self->selected >= 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "iclamp.new", data->sections->len > 0);
  nrt_iclamp_editor_update_detail (self);
}

/* ---- widgets → model ---- */

static void
on_row_selected (GtkListBox      *box,
                 GtkListBoxRow   *row,
                 NrtIclampEditor *self)
{
  if (self->updating || row == NULL)
    return;
  self->selected = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "nrt-index"));
  nrt_iclamp_editor_update_detail (self);
}

static void
move_to (NrtIclampEditor *self,
         const char      *section,
         double           x,
         NrtNumberEntry  *entry)
{
  g_autoptr(GError) error = NULL;

  if (!nrt_model_move_point_process (self->model, self->selected, section, x, &error))
    {
      if (entry != NULL)
        nrt_number_entry_reject (entry, error->message);
      else
        report (self, error);
      nrt_iclamp_editor_update_detail (self);
    }
}

static void
on_section_selected (NrtIclampEditor *self)
{
  const NrtPointProcess *pp = get_clamp (self, self->selected);
  guint index = gtk_drop_down_get_selected (self->section_dropdown);
  const NrtModelData *data = nrt_model_get_data (self->model);

  if (self->updating || pp == NULL || index >= data->sections->len || (int) index == pp->section)
    return;
  move_to (self, ((const NrtSection *) g_ptr_array_index (data->sections, index))->name, pp->x,
           NULL);
}

static void
on_x_committed (NrtIclampEditor *self,
                double           x)
{
  const NrtPointProcess *pp = get_clamp (self, self->selected);
  const NrtModelData *data = nrt_model_get_data (self->model);

  if (pp == NULL)
    return;
  move_to (self, ((const NrtSection *) g_ptr_array_index (data->sections, pp->section))->name, x,
           self->x_entry);
}

static void
on_param_committed (NrtNumberEntry  *entry,
                    double           value,
                    NrtIclampEditor *self)
{
  const char *param = g_object_get_data (G_OBJECT (entry), "nrt-param");
  g_autoptr(GError) error = NULL;

  if (get_clamp (self, self->selected) == NULL)
    return;
  if (!nrt_model_set_point_process_param (self->model, self->selected, param, value, &error))
    nrt_number_entry_reject (entry, error->message);
}

static void
action_new (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  NrtIclampEditor *self = NRT_ICLAMP_EDITOR (widget);
  const NrtModelData *data = nrt_model_get_data (self->model);
  g_autoptr(GError) error = NULL;
  const NrtSection *sec;
  int index;

  if (data->sections->len == 0)
    return;

  /* The first root section, as NEURON's Point Manager starts at soma(0.5). */
  sec = g_ptr_array_index (data->sections, 0);
  for (guint i = 0; i < data->sections->len; i++)
    {
      const NrtSection *s = g_ptr_array_index (data->sections, i);
      if (s->parent < 0)
        {
          sec = s;
          break;
        }
    }

  index = nrt_model_add_point_process (self->model, "IClamp", sec->name, 0.5, &error);
  if (index < 0)
    {
      report (self, error);
      return;
    }
  nrt_iclamp_editor_select (self, index);
}

static void
action_remove (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  NrtIclampEditor *self = NRT_ICLAMP_EDITOR (widget);
  g_autoptr(GError) error = NULL;

  if (self->selected < 0)
    return;
  if (!nrt_model_remove_point_process (self->model, self->selected, &error))
    report (self, error);
}

/* ---- GObject ---- */

static void
nrt_iclamp_editor_dispose (GObject *object)
{
  NrtIclampEditor *self = NRT_ICLAMP_EDITOR (object);

  if (self->model != NULL)
    g_clear_signal_handler (&self->changed_id, self->model);
  g_clear_object (&self->model);
  g_clear_weak_pointer (&self->main_window);

  gtk_widget_dispose_template (GTK_WIDGET (self), NRT_TYPE_ICLAMP_EDITOR);

  G_OBJECT_CLASS (nrt_iclamp_editor_parent_class)->dispose (object);
}

static void
nrt_iclamp_editor_class_init (NrtIclampEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nrt_iclamp_editor_dispose;

  g_type_ensure (NRT_TYPE_NUMBER_ENTRY);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/neurite/Neurite/ui/nrt-iclamp-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, NrtIclampEditor, stack);
  gtk_widget_class_bind_template_child (widget_class, NrtIclampEditor, clamp_list);
  gtk_widget_class_bind_template_child (widget_class, NrtIclampEditor, detail_title);
  gtk_widget_class_bind_template_child (widget_class, NrtIclampEditor, section_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NrtIclampEditor, x_entry);
  gtk_widget_class_bind_template_child (widget_class, NrtIclampEditor, del_entry);
  gtk_widget_class_bind_template_child (widget_class, NrtIclampEditor, dur_entry);
  gtk_widget_class_bind_template_child (widget_class, NrtIclampEditor, amp_entry);

  gtk_widget_class_install_action (widget_class, "iclamp.new", NULL, action_new);
  gtk_widget_class_install_action (widget_class, "iclamp.remove", NULL, action_remove);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}

static void
nrt_iclamp_editor_init (NrtIclampEditor *self)
{
  const NrtMechanismInfo *info = nrt_point_process_info (NRT_PP_ICLAMP);
  NrtNumberEntry *entries[] = { self->del_entry, self->dur_entry, self->amp_entry };
  static const char *params[] = { "del", "dur", "amp" };

  gtk_widget_init_template (GTK_WIDGET (self));
  self->selected = -1;

  entries[0] = self->del_entry;
  entries[1] = self->dur_entry;
  entries[2] = self->amp_entry;
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      int k = nrt_param_lookup (info, params[i]);

      g_object_set_data (G_OBJECT (entries[i]), "nrt-param", (gpointer) params[i]);
      if (k >= 0)
        {
          /* NEURON's defaults and domains (stim.mod: del ≥ 0, dur ≥ 0). */
          nrt_number_entry_set_default (entries[i], info->params[k].def);
          nrt_number_entry_set_range (entries[i], info->params[k].min, info->params[k].max,
                                      FALSE);
        }
      g_signal_connect (entries[i], "value-committed", G_CALLBACK (on_param_committed), self);
    }

  g_signal_connect (self->clamp_list, "row-selected", G_CALLBACK (on_row_selected), self);
  g_signal_connect_swapped (self->section_dropdown, "notify::selected",
                            G_CALLBACK (on_section_selected), self);
  g_signal_connect_swapped (self->x_entry, "value-committed", G_CALLBACK (on_x_committed), self);
}

GtkWindow *
nrt_iclamp_editor_new (NrtWindow *main_window)
{
  NrtIclampEditor *self;

  g_return_val_if_fail (NRT_IS_WINDOW (main_window), NULL);

  self = g_object_new (NRT_TYPE_ICLAMP_EDITOR, NULL);
  g_set_weak_pointer (&self->main_window, main_window);
  self->model = g_object_ref (nrt_window_get_model (main_window));
  self->changed_id = g_signal_connect_swapped (self->model, "changed",
                                               G_CALLBACK (nrt_iclamp_editor_update), self);
  nrt_iclamp_editor_update (self);

  nrt_window_add_tool (main_window, GTK_WINDOW (self));
  return GTK_WINDOW (self);
}

int
nrt_iclamp_editor_get_selected (NrtIclampEditor *self)
{
  g_return_val_if_fail (NRT_IS_ICLAMP_EDITOR (self), -1);

  return self->selected;
}

void
nrt_iclamp_editor_select (NrtIclampEditor *self,
                          int              point_process)
{
  g_return_if_fail (NRT_IS_ICLAMP_EDITOR (self));

  if (get_clamp (self, point_process) == NULL)
    return;
  self->selected = point_process;
  nrt_iclamp_editor_update (self);
}

NrtNumberEntry *
nrt_iclamp_editor_get_field (NrtIclampEditor *self,
                             const char      *name)
{
  g_return_val_if_fail (NRT_IS_ICLAMP_EDITOR (self), NULL);

  if (g_str_equal (name, "x"))
    return self->x_entry;
  if (g_str_equal (name, "del"))
    return self->del_entry;
  if (g_str_equal (name, "dur"))
    return self->dur_entry;
  if (g_str_equal (name, "amp"))
    return self->amp_entry;
  return NULL;
}

gboolean
nrt_iclamp_editor_choose_section (NrtIclampEditor *self,
                                  const char      *section)
{
  int index;

  g_return_val_if_fail (NRT_IS_ICLAMP_EDITOR (self), FALSE);

  index = nrt_model_find_section (self->model, section);
  if (index < 0 || self->selected < 0)
    return FALSE;
  gtk_drop_down_set_selected (self->section_dropdown, index);
  return get_clamp (self, self->selected)->section == index;
}
