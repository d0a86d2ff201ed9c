/* nrt-globals.c: Tools → Temperature and Ions.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrt-ui-config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "nrt-globals.h"
#include "nrt-window-private.h"

/* Which setting a field edits. */
typedef enum {
  FIELD_CELSIUS,
  FIELD_CONC_I,
  FIELD_CONC_O,
  FIELD_SEED,
} FieldKind;

typedef struct {
  const char *name;
  const char *label;
  FieldKind   kind;
  NrtIon      ion;
} FieldInfo;

static const FieldInfo fields[] = {
  { "celsius", N_("Temperature (°C)"), FIELD_CELSIUS, NRT_ION_NONSPECIFIC },
  { "nai", N_("nai, inside (mM)"), FIELD_CONC_I, NRT_ION_NA },
  { "nao", N_("nao, outside (mM)"), FIELD_CONC_O, NRT_ION_NA },
  { "ki", N_("ki, inside (mM)"), FIELD_CONC_I, NRT_ION_K },
  { "ko", N_("ko, outside (mM)"), FIELD_CONC_O, NRT_ION_K },
  { "cai", N_("cai, inside (mM)"), FIELD_CONC_I, NRT_ION_CA },
  { "cao", N_("cao, outside (mM)"), FIELD_CONC_O, NRT_ION_CA },
  { "seed", N_("Random seed"), FIELD_SEED, NRT_ION_NONSPECIFIC },
};

struct _NrtGlobals
{
  AdwWindow       parent_instance;

  NrtModel       *model;
  gulong          changed_id;
  NrtNumberEntry *entries[G_N_ELEMENTS (fields)];
};

G_DEFINE_FINAL_TYPE (NrtGlobals, nrt_globals, ADW_TYPE_WINDOW)

static double *
setting_of (NrtRunSettings  *s,
            const FieldInfo *f)
{
  switch (f->kind)
    {
    case FIELD_CELSIUS:
      return &s->celsius;
    case FIELD_CONC_I:
      return &s->conc_i[f->ion];
    case FIELD_CONC_O:
      return &s->conc_o[f->ion];
    case FIELD_SEED:
    default:
      return NULL;
    }
}

static double
value_of (const NrtRunSettings *s,
          const FieldInfo      *f)
{
  NrtRunSettings copy = *s;
  double *p = setting_of (&copy, f);

  return p != NULL ? *p : (double) s->seed;
}

static void
update_fields (NrtGlobals *self)
{
  const NrtRunSettings *s = &nrt_model_get_data (self->model)->settings;

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    nrt_number_entry_set_value (self->entries[i], value_of (s, &fields[i]));
}

static void
on_model_changed (NrtGlobals      *self,
                  const NrtChange *change)
{
  /* Undo and file loads report other kinds: only view changes leave the settings alone. */
  if (change == NULL || change->kind != NRT_CHANGE_VIEW)
    update_fields (self);
}

static void
on_committed (NrtNumberEntry *entry,
              double          value,
              NrtGlobals     *self)
{
  const FieldInfo *f = g_object_get_data (G_OBJECT (entry), "nrt-field");
  NrtRunSettings s = nrt_model_get_data (self->model)->settings;
  g_autoptr(GError) error = NULL;
  double *p = setting_of (&s, f);

  if (p != NULL)
    *p = value;
  else if (value == floor (value) && value >= 0 && value <= G_MAXUINT32)
    s.seed = (guint32) value;
  else
    {
      nrt_number_entry_reject (entry, _("The seed is a whole number from 0 to 4294967295"));
      return;
    }
  if (!nrt_model_set_settings (self->model, &s, &error))
    nrt_number_entry_reject (entry, error->message);
}

NrtNumberEntry *
nrt_globals_get_field (NrtGlobals *self,
                       const char *name)
{
  g_return_val_if_fail (NRT_IS_GLOBALS (self), NULL);

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (fields[i].name, name))
      return self->entries[i];
  return NULL;
}

static void
nrt_globals_dispose (GObject *object)
{
  NrtGlobals *self = NRT_GLOBALS (object);

  if (self->model != NULL)
    g_clear_signal_handler (&self->changed_id, self->model);
  g_clear_object (&self->model);
  G_OBJECT_CLASS (nrt_globals_parent_class)->dispose (object);
}

static void
nrt_globals_class_init (NrtGlobalsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = nrt_globals_dispose;
}

static GtkWidget *
add_group (GtkWidget  *page,
           const char *title,
           const char *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  return group;
}

static void
nrt_globals_init (NrtGlobals *self)
{
  /* NEURON's defaults (reference/neuron-gui.md §0.3), for the fields' reset buttons. */
  static const double defaults[G_N_ELEMENTS (fields)] = { 6.3, 10, 140, 54.4, 2.5, 5e-5, 2, 1 };
  GtkWidget *box, *page, *group = NULL;

  gtk_window_set_title (GTK_WINDOW (self), _("Temperature and Ions"));
  gtk_window_set_default_size (GTK_WINDOW (self), 420, 640);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  page = adw_preferences_page_new ();
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const FieldInfo *f = &fields[i];
      GtkWidget *row = adw_preferences_row_new ();
      GtkWidget *entry = nrt_number_entry_new (_(f->label), defaults[i], defaults[i]);

      if (i == 0)
        group = add_group (page, _("Temperature"),
                           _("NEURON’s celsius: hh’s rates and every channel with a q10 "
                             "depend on it."));
      else if (i == 1)
        group = add_group (page, _("Ion concentrations"),
                           _("NEURON’s nai0_na_ion … cao0_ca_ion. They stay constant during "
                             "a run; Goldman-Hodgkin-Katz currents and ligand-gated "
                             "transitions read them."));
      else if (f->kind == FIELD_SEED)
        group = add_group (page, _("Stochastic channels"),
                           _("Single channels draw their transitions from this seed: the "
                             "same seed gives the same run."));

      if (f->kind == FIELD_CELSIUS)
        nrt_number_entry_set_range (NRT_NUMBER_ENTRY (entry), -273.15, 1000, FALSE);
      else if (f->kind == FIELD_SEED)
        nrt_number_entry_set_range (NRT_NUMBER_ENTRY (entry), 0, G_MAXUINT32, FALSE);
      else
        {
          nrt_number_entry_set_range (NRT_NUMBER_ENTRY (entry), 0, INFINITY, TRUE);
          nrt_number_entry_set_step (NRT_NUMBER_ENTRY (entry), defaults[i] / 10);
        }
      nrt_number_entry_set_width_chars (NRT_NUMBER_ENTRY (entry), 10);
      gtk_widget_add_css_class (entry, "rc-row");
      g_object_set_data (G_OBJECT (entry), "nrt-field", (gpointer) f);
      g_signal_connect (entry, "value-committed", G_CALLBACK (on_committed), self);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(f->label));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), entry);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      self->entries[i] = NRT_NUMBER_ENTRY (entry);
    }
  adw_window_set_content (ADW_WINDOW (self), box);
}

GtkWindow *
nrt_globals_new (NrtWindow *main_window)
{
  NrtGlobals *self = g_object_new (NRT_TYPE_GLOBALS, NULL);

  g_return_val_if_fail (NRT_IS_WINDOW (main_window), GTK_WINDOW (self));
  self->model = g_object_ref (nrt_window_get_model (main_window));
  self->changed_id = g_signal_connect_swapped (self->model, "changed",
                                               G_CALLBACK (on_model_changed), self);
  update_fields (self);
  nrt_window_add_tool (main_window, GTK_WINDOW (self));
  return GTK_WINDOW (self);
}
