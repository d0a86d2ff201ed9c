/* nrt-cell-builder.c: the CellBuilder window (reference/neuron-gui.md §1).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model is always live: every gesture and every field goes through the model API at once
 * (one undo step each), so the main window's overview and running graphs follow.  The pages
 * are rebuilt from the model when its shape changes (sections, subsets, which specs exist);
 * when only values change, the fields are refreshed in place so focus and stepping survive.
 */
#include "nrt-ui-config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "nrt-cb-canvas.h"
#include "nrt-cell-builder-private.h"
#include "nrt-hoc.h"
#include "nrt-number-entry.h"

struct _NrtCellBuilder
{
  AdwWindow        parent_instance;

  AdwToastOverlay *toasts;
  AdwViewStack    *stack;
  GtkBox          *canvas_box;
  GtkLabel        *hint;

  NrtWindow       *main_window;
  NrtModel        *model;
  NrtCbCanvas     *canvas;
  GtkWidget       *page[NRT_CB_N_PAGES];
  char            *signature[NRT_CB_N_PAGES];
  GPtrArray       *fields[NRT_CB_N_PAGES];  /* of GtkWidget*: value fields to refresh */
  gboolean         geo_strategy, bio_strategy;
  char            *selected_subset;         /* Subsets page: the combine target */
  guint            rebuild_id;
  /* Management page: how Save hoc Code writes the cell (not part of the model). */
  NrtHocForm       hoc_form;
  NrtHocChannels   hoc_channels;
  NrtHocSession    hoc_session;
};

G_DEFINE_FINAL_TYPE (NrtCellBuilder, nrt_cell_builder, ADW_TYPE_WINDOW)

static const char *const page_names[NRT_CB_N_PAGES] = {
  "topology", "subsets", "geometry", "biophysics", "management"
};

static void rebuild_pages (NrtCellBuilder *self);

/* ---- small helpers ---------------------------------------------------------------- */

static void
toast (NrtCellBuilder *self, const char *message)
{
  AdwToast *t = adw_toast_new (message);
  adw_toast_set_timeout (t, 4);
  adw_toast_overlay_add_toast (self->toasts, t);
}

static void
toast_error (NrtCellBuilder *self, GError *error)
{
  if (error != NULL)
    toast (self, error->message);
}

static const NrtModelData *
data (NrtCellBuilder *self)
{
  return nrt_model_get_data (self->model);
}

static gboolean
valid_hoc_name (const char *s)
{
  if (s == NULL || !(g_ascii_isalpha (*s) || *s == '_'))
    return FALSE;
  for (; *s; s++)
    if (!(g_ascii_isalnum (*s) || *s == '_'))
      return FALSE;
  return TRUE;
}

/* "S/cm2" → "S/cm²", "uS" → "µS" */
static char *
pretty_units (const char *u)
{
  g_autoptr(GString) s = g_string_new (u);
  g_string_replace (s, "cm2", "cm²", 0);
  g_string_replace (s, "um2", "µm²", 0);
  if (g_str_has_prefix (s->str, "u"))
    g_string_replace (s, "u", "µ", 1);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static GtkWidget *
group_new (const char *title, const char *description)
{
  GtkWidget *g = adw_preferences_group_new ();
  if (title)
    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (g), title);
  if (description)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (g), description);
  return g;
}

static GtkWidget *
page_new (void)
{
  return adw_preferences_page_new ();
}

static void
page_add (GtkWidget *page, GtkWidget *group)
{
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
}

static void
group_add (GtkWidget *group, GtkWidget *row)
{
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

/* A number field in a row: the row's title is the field's label with units. */
static GtkWidget *
number_row (const char *label, double value, double def, GtkWidget **entry_out)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *entry = nrt_number_entry_new (NULL, value, def);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
  gtk_widget_set_valign (entry, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), entry);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (nrt_number_entry_get_editable (NRT_NUMBER_ENTRY (entry))),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, row, NULL, -1);
  *entry_out = entry;
  return row;
}

/* Targets in CellBuilder order: subsets (in subset order), then sections. */
static guint
n_targets (NrtCellBuilder *self)
{
  return data (self)->subsets->len + data (self)->sections->len;
}

static const char *
target_name (NrtCellBuilder *self, guint t)
{
  const NrtModelData *d = data (self);
  if (t < d->subsets->len)
    return ((NrtSubset *) g_ptr_array_index (d->subsets, t))->name;
  return ((NrtSection *) g_ptr_array_index (d->sections, t - d->subsets->len))->name;
}

static int
target_rank (NrtCellBuilder *self, const char *target)
{
  int s = nrt_model_find_subset (self->model, target);
  if (s >= 0)
    return s;
  return (int) data (self)->subsets->len + nrt_model_find_section (self->model, target);
}

static guint
subset_size (NrtCellBuilder *self, const char *target)
{
  int s = nrt_model_find_subset (self->model, target);
  if (s == 0)
    return data (self)->sections->len;
  if (s > 0)
    return ((NrtSubset *) g_ptr_array_index (data (self)->subsets, s))->members->len;
  return 1;
}

static int
subset_member (NrtCellBuilder *self, const char *target, guint k)
{
  int s = nrt_model_find_subset (self->model, target);
  if (s == 0)
    return k;
  if (s < 0)
    return nrt_model_find_section (self->model, target);
  return g_array_index (((NrtSubset *) g_ptr_array_index (data (self)->subsets, s))->members, int, k);
}

/* A model the CellBuilder did not make (a file) first gets specs that describe it, so that a
 * first spec does not reset the rest of the cell to NEURON's defaults. */
static gboolean
ensure_specs (NrtCellBuilder *self, GError **error)
{
  const NrtModelData *d = data (self);

  if (d->geometry_specs->len > 0 || d->biophysics_specs->len > 0)
    return TRUE;
  for (guint i = 0; i < d->sections->len; i++)
    {
      const NrtSection *s = g_ptr_array_index (d->sections, i);
      gboolean any = s->L != 100 || s->diam != 500 || s->Ra != 35.4 || s->cm != 1 || s->nseg != 1
                     || (s->pt3d != NULL && s->pt3d->len > 0);
      for (int m = 0; m < NRT_N_MECH; m++)
        any = any || s->mech[m].inserted;
      any = any || s->channels->len > 0;
      if (any)
        return nrt_model_import_specs (self->model, error);
    }
  return TRUE;
}

/* ---- spec lists ------------------------------------------------------------------- */

static GPtrArray *
geometry_copy (NrtCellBuilder *self)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) nrt_geometry_spec_free);
  for (guint i = 0; i < data (self)->geometry_specs->len; i++)
    g_ptr_array_add (out, nrt_geometry_spec_copy (g_ptr_array_index (data (self)->geometry_specs, i)));
  return out;
}

static GPtrArray *
biophysics_copy (NrtCellBuilder *self)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) nrt_biophysics_spec_free);
  for (guint i = 0; i < data (self)->biophysics_specs->len; i++)
    g_ptr_array_add (out, nrt_biophysics_spec_copy (g_ptr_array_index (data (self)->biophysics_specs, i)));
  return out;
}

static int
find_spec (GPtrArray *specs, const char *target, gboolean geo)
{
  for (guint i = 0; i < specs->len; i++)
    {
      const char *t = geo ? ((NrtGeometrySpec *) specs->pdata[i])->target
                          : ((NrtBiophysicsSpec *) specs->pdata[i])->target;
      if (g_strcmp0 (t, target) == 0)
        return i;
    }
  return -1;
}

/* Inserts spec where CellBuilder order puts it. */
static void
insert_ordered (NrtCellBuilder *self, GPtrArray *specs, gpointer spec, const char *target, gboolean geo)
{
  int rank = target_rank (self, target);
  guint at = 0;

  while (at < specs->len)
    {
      const char *t = geo ? ((NrtGeometrySpec *) specs->pdata[at])->target
                          : ((NrtBiophysicsSpec *) specs->pdata[at])->target;
      if (target_rank (self, t) > rank)
        break;
      at++;
    }
  g_ptr_array_insert (specs, at, spec);
}

static gboolean
commit_geometry (NrtCellBuilder *self, GPtrArray *specs, GError **error)
{
  gboolean ok;

  nrt_model_begin_group (self->model, _("Geometry"));
  ok = nrt_model_set_geometry_specs (self->model, (NrtGeometrySpec *const *) specs->pdata,
                                     specs->len, error);
  nrt_model_end_group (self->model);
  return ok;
}

static gboolean
commit_biophysics (NrtCellBuilder *self, GPtrArray *specs, GError **error)
{
  gboolean ok;

  nrt_model_begin_group (self->model, _("Biophysics"));
  ok = nrt_model_set_biophysics_specs (self->model, (NrtBiophysicsSpec *const *) specs->pdata,
                                       specs->len, error);
  nrt_model_end_group (self->model);
  return ok;
}

gboolean
nrt_cell_builder_set_geometry_kinds (NrtCellBuilder *self, const char *target, guint kinds,
                                     GError **error)
{
  g_autoptr(GPtrArray) specs = NULL;
  int i;
  gboolean ok;

  g_return_val_if_fail (NRT_IS_CELL_BUILDER (self), FALSE);
  if (!nrt_geometry_kinds_consistent (kinds, nrt_model_find_subset (self->model, target) >= 0, error))
    return FALSE;
  nrt_model_begin_group (self->model, _("Geometry strategy"));
  ok = ensure_specs (self, error);
  if (ok)
    {
      specs = geometry_copy (self);
      i = find_spec (specs, target, TRUE);
      if (kinds == 0 && i >= 0)
        g_ptr_array_remove_index (specs, i);
      else if (kinds != 0)
        {
          NrtGeometrySpec *g = i >= 0 ? specs->pdata[i] : nrt_geometry_spec_new (target);
          guint n = subset_size (self, target);
          g->kinds = kinds;
          for (int k = 0; k < 2; k++)
            {
              GArray **arr = k == 0 ? &g->distinct_L : &g->distinct_diam;
              if (!(kinds & (k == 0 ? NRT_GEO_DISTINCT_L : NRT_GEO_DISTINCT_DIAM)))
                continue;
              if (*arr == NULL)
                *arr = g_array_new (FALSE, FALSE, sizeof (double));
              while ((*arr)->len < n)
                {
                  double v = k == 0 ? 100 : 1;
                  g_array_append_val (*arr, v);
                }
            }
          if (i < 0)
            insert_ordered (self, specs, g, target, TRUE);
        }
      ok = commit_geometry (self, specs, error);
    }
  nrt_model_end_group (self->model);
  return ok;
}

gboolean
nrt_cell_builder_set_geometry_value (NrtCellBuilder *self, const char *target, guint kind,
                                     int member, double value, GError **error)
{
  g_autoptr(GPtrArray) specs = geometry_copy (self);
  int i = find_spec (specs, target, TRUE);
  NrtGeometrySpec *g;

  g_return_val_if_fail (NRT_IS_CELL_BUILDER (self), FALSE);
  if (i < 0 || !(((NrtGeometrySpec *) specs->pdata[i])->kinds & kind))
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                   _("“%s” does not specify that value"), target);
      return FALSE;
    }
  g = specs->pdata[i];
  switch (kind)
    {
    case NRT_GEO_L: g->L = value; break;
    case NRT_GEO_DIAM: g->diam = value; break;
    case NRT_GEO_AREA: g->area = value; break;
    case NRT_GEO_NSEG: g->nseg = value; break;
    case NRT_GEO_D_LAMBDA: g->d_lambda = value; break;
    case NRT_GEO_D_X: g->d_X = value; break;
    case NRT_GEO_DISTINCT_L:
    case NRT_GEO_DISTINCT_DIAM:
      {
        GArray *arr = kind == NRT_GEO_DISTINCT_L ? g->distinct_L : g->distinct_diam;
        if (arr == NULL || member < 0 || (guint) member >= arr->len)
          return FALSE;
        g_array_index (arr, double, member) = value;
      }
      break;
    default:
      return FALSE;
    }
  return commit_geometry (self, specs, error);
}

/* The library channel a biophysics "what" names, or NULL. */
static const NrtChannel *
channel_for (NrtCellBuilder *self, int what)
{
  int c = what - NRT_CB_BIO_CHANNEL;
  return c >= 0 && (guint) c < data (self)->channels->len ? data (self)->channels->pdata[c] : NULL;
}

/* what: NRT_CB_BIO_RA, NRT_CB_BIO_CM, NRT_CB_BIO_MECH + mechanism or NRT_CB_BIO_CHANNEL +
 * channel */
gboolean
nrt_cell_builder_set_biophysics_strategy (NrtCellBuilder *self, const char *target, int what,
                                          gboolean on, GError **error)
{
  g_autoptr(GPtrArray) specs = NULL;
  NrtBiophysicsSpec *b;
  gboolean ok, any;
  int i;

  g_return_val_if_fail (NRT_IS_CELL_BUILDER (self), FALSE);
  nrt_model_begin_group (self->model, _("Biophysics strategy"));
  ok = ensure_specs (self, error);
  if (ok)
    {
      specs = biophysics_copy (self);
      i = find_spec (specs, target, FALSE);
      b = i >= 0 ? specs->pdata[i] : nrt_biophysics_spec_new (target);
      if (what == NRT_CB_BIO_RA)
        b->has_Ra = on;
      else if (what == NRT_CB_BIO_CM)
        b->has_cm = on;
      else if (what >= NRT_CB_BIO_CHANNEL)
        {
          const NrtChannel *ch = channel_for (self, what);
          if (ch == NULL)
            ok = FALSE, g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_MECHANISM,
                                     _("There is no channel number %d"), what - NRT_CB_BIO_CHANNEL);
          else if (on && nrt_biophysics_spec_find_channel (b, ch->name) == NULL)
            nrt_biophysics_spec_set_channel (b, ch->name, ch->gmax, ch->erev);
          else if (!on)
            nrt_biophysics_spec_remove_channel (b, ch->name);
        }
      else
        {
          const NrtMechanismInfo *info = nrt_mechanism_info (what - NRT_CB_BIO_MECH);
          NrtMechInstance *m = &b->mech[what - NRT_CB_BIO_MECH];
          if (on && !m->inserted)
            for (guint p = 0; p < info->n_params; p++)
              m->p[p] = info->params[p].def;
          m->inserted = on;
        }
      any = b->has_Ra || b->has_cm;
      for (int m = 0; m < NRT_N_MECH; m++)
        any = any || b->mech[m].inserted;
      any = any || b->channels->len > 0;
      if (!ok)
        {
          if (i < 0)
            nrt_biophysics_spec_free (b);
        }
      else if (i < 0 && any)
        insert_ordered (self, specs, b, target, FALSE);
      else if (i < 0)
        nrt_biophysics_spec_free (b);
      else if (!any)
        g_ptr_array_remove_index (specs, i);
      if (ok)
        ok = commit_biophysics (self, specs, error);
    }
  nrt_model_end_group (self->model);
  return ok;
}

gboolean
nrt_cell_builder_set_biophysics_value (NrtCellBuilder *self, const char *target, int what,
                                       int param, double value, GError **error)
{
  g_autoptr(GPtrArray) specs = biophysics_copy (self);
  int i = find_spec (specs, target, FALSE);
  NrtBiophysicsSpec *b;

  g_return_val_if_fail (NRT_IS_CELL_BUILDER (self), FALSE);
  if (i < 0)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                   _("“%s” has no biophysics"), target);
      return FALSE;
    }
  b = specs->pdata[i];
  if (what == NRT_CB_BIO_RA)
    b->Ra = value;
  else if (what == NRT_CB_BIO_CM)
    b->cm = value;
  else if (what >= NRT_CB_BIO_CHANNEL)
    {
      const NrtChannel *ch = channel_for (self, what);
      NrtBiophysicsChannel *bc = ch ? nrt_biophysics_spec_find_channel (b, ch->name) : NULL;
      if (bc == NULL)
        {
          g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_MECHANISM,
                       _("That channel is not inserted in “%s”"), target);
          return FALSE;
        }
      if (param == NRT_CB_CHANNEL_GMAX)
        bc->gmax = value;
      else if (param == NRT_CB_CHANNEL_E && ch->ion == NRT_ION_NONSPECIFIC)
        bc->e = value;
      else
        {
          g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_PARAMETER,
                       _("%s has no parameter number %d"), ch->name, param);
          return FALSE;
        }
    }
  else
    {
      const NrtMechanismInfo *info = nrt_mechanism_info (what - NRT_CB_BIO_MECH);
      if (param < 0 || (guint) param >= info->n_params)
        {
          g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_PARAMETER,
                       _("%s has no parameter number %d"), info->name, param);
          return FALSE;
        }
      if (!(value >= info->params[param].min && value <= info->params[param].max))
        {
          g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                       _("%s must be between %g and %g"), info->params[param].name,
                       info->params[param].min, info->params[param].max);
          return FALSE;
        }
      b->mech[what - NRT_CB_BIO_MECH].p[param] = value;
    }
  return commit_biophysics (self, specs, error);
}

/* ---- field plumbing --------------------------------------------------------------- */

typedef struct {
  char *target;
  int   kind;     /* geometry kind, or biophysics what */
  int   index;    /* member, or parameter */
  gboolean geo;
} FieldRef;

static void
field_ref_free (FieldRef *f)
{
  g_free (f->target);
  g_free (f);
}

static void
on_field_committed (NrtNumberEntry *entry, double value, NrtCellBuilder *self)
{
  FieldRef *f = g_object_get_data (G_OBJECT (entry), "field-ref");
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (f->geo)
    ok = nrt_cell_builder_set_geometry_value (self, f->target, f->kind, f->index, value, &error);
  else
    ok = nrt_cell_builder_set_biophysics_value (self, f->target, f->kind, f->index, value, &error);
  if (!ok)
    nrt_number_entry_reject (entry, error ? error->message : _("Not accepted"));
}

static GtkWidget *
field_row (NrtCellBuilder *self, int page, gboolean geo, const char *target, int kind, int index,
           const char *label, double value, double def, double min, double max, gboolean excl)
{
  GtkWidget *entry;
  GtkWidget *row = number_row (label, value, def, &entry);
  FieldRef *f = g_new0 (FieldRef, 1);

  f->target = g_strdup (target), f->kind = kind, f->index = index, f->geo = geo;
  g_object_set_data_full (G_OBJECT (entry), "field-ref", f, (GDestroyNotify) field_ref_free);
  nrt_number_entry_set_range (NRT_NUMBER_ENTRY (entry), min, max, excl);
  nrt_number_entry_set_step (NRT_NUMBER_ENTRY (entry),
                             kind == NRT_GEO_NSEG ? 2 : fabs (def) > 0 ? pow (10, floor (log10 (fabs (def)))) : 1);
  g_signal_connect (entry, "value-committed", G_CALLBACK (on_field_committed), self);
  g_ptr_array_add (self->fields[page], entry);
  return row;
}

/* ---- Topology page ---------------------------------------------------------------- */

static const struct {
  NrtCbTool   tool;
  const char *title;
  const char *subtitle;
} topology_tools[] = {
  { NRT_CB_TOOL_MAKE_SECTION, N_("Make Section"), N_("Drag from an end: a new section named with the base name") },
  { NRT_CB_TOOL_COPY_SUBTREE, N_("Copy Subtree"), N_("Drag a section onto an end: its subtree is copied there") },
  { NRT_CB_TOOL_RECONNECT, N_("Reconnect Subtree"), N_("Drag a section onto a new parent end") },
  { NRT_CB_TOOL_REPOSITION, N_("Reposition"), N_("Drag an end; the subtree follows (drawing only)") },
  { NRT_CB_TOOL_INSERT, N_("Insert Section"), N_("Click a section: a new one between it and its parent") },
  { NRT_CB_TOOL_DELETE_SECTION, N_("Delete Section"), N_("Click a section; its children move to its parent") },
  { NRT_CB_TOOL_DELETE_SUBTREE, N_("Delete Subtree"), N_("Click a section: it and everything beyond it go") },
  { NRT_CB_TOOL_CHANGE_NAME, N_("Change Name"), N_("Click a section to rename it") },
};

static void
on_tool_toggled (GtkCheckButton *check, NrtCellBuilder *self)
{
  if (gtk_check_button_get_active (check))
    nrt_cb_canvas_set_tool (self->canvas, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (check), "tool")));
}

static GtkWidget *
tool_row (NrtCellBuilder *self, NrtCbTool tool, const char *title, const char *subtitle,
          GtkCheckButton **group)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  if (*group != NULL)
    gtk_check_button_set_group (GTK_CHECK_BUTTON (check), *group);
  else
    *group = GTK_CHECK_BUTTON (check);
  g_object_set_data (G_OBJECT (check), "tool", GINT_TO_POINTER (tool));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), nrt_cb_canvas_get_tool (self->canvas) == tool);
  g_signal_connect (check, "toggled", G_CALLBACK (on_tool_toggled), self);
  return row;
}

static void
on_basename_apply (AdwEntryRow *row, NrtCellBuilder *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  if (!valid_hoc_name (text))
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      toast (self, _("A base name starts with a letter and has only letters, digits and “_”"));
      return;
    }
  if (nrt_model_find_subset (self->model, text) >= 0)
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      toast (self, _("That name belongs to a subset"));
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  nrt_cb_canvas_set_basename (self->canvas, text);
}

static GtkWidget *
build_topology (NrtCellBuilder *self)
{
  GtkWidget *page = page_new ();
  GtkWidget *g, *row;
  GtkCheckButton *group = NULL;
  g_autofree char *summary = NULL;

  g = group_new (_("New Sections"), NULL);
  row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Base name"));
  gtk_editable_set_text (GTK_EDITABLE (row), nrt_cb_canvas_get_basename (self->canvas));
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
  g_signal_connect (row, "apply", G_CALLBACK (on_basename_apply), self);
  group_add (g, row);
  page_add (page, g);

  g = group_new (_("Click and Drag To"), NULL);
  for (guint i = 0; i < G_N_ELEMENTS (topology_tools); i++)
    {
      if (topology_tools[i].tool == NRT_CB_TOOL_INSERT)
        {
          page_add (page, g);
          g = group_new (_("Click To"), NULL);
        }
      group_add (g, tool_row (self, topology_tools[i].tool, _(topology_tools[i].title),
                              _(topology_tools[i].subtitle), &group));
    }
  page_add (page, g);

  summary = g_strdup_printf (ngettext ("%u section", "%u sections", data (self)->sections->len),
                             data (self)->sections->len);
  g = group_new (_("Cell"), summary);
  page_add (page, g);
  return page;
}

/* ---- Subsets page ----------------------------------------------------------------- */

static void
on_select_tool (GtkCheckButton *check, NrtCellBuilder *self)
{
  on_tool_toggled (check, self);
}

static void
selection_from_subset (NrtCellBuilder *self, const char *subset, int op)
{
  /* op: 0 replace, 1 union, 2 intersection, 3 subtract */
  guint n = data (self)->sections->len;
  g_autofree gboolean *in = g_new0 (gboolean, MAX (n, 1));
  guint m = subset_size (self, subset);

  for (guint k = 0; k < m; k++)
    in[subset_member (self, subset, k)] = TRUE;
  for (guint i = 0; i < n; i++)
    {
      gboolean cur = nrt_cb_canvas_is_selected (self->canvas, i);
      gboolean v = op == 0 ? in[i] : op == 1 ? cur || in[i] : op == 2 ? cur && in[i] : cur && !in[i];
      if (v != cur)
        nrt_cb_canvas_set_selected (self->canvas, i, v);
    }
}

void
nrt_cell_builder_combine_selection (NrtCellBuilder *self, const char *subset, int op)
{
  g_return_if_fail (NRT_IS_CELL_BUILDER (self));
  selection_from_subset (self, subset, op);
}

static void
on_combine (GtkButton *button, NrtCellBuilder *self)
{
  int op = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "op"));
  if (self->selected_subset != NULL)
    selection_from_subset (self, self->selected_subset, op);
}

static void
on_select_all (GtkButton *b, NrtCellBuilder *self) { nrt_cb_canvas_select_all (self->canvas, TRUE); }
static void
on_select_none (GtkButton *b, NrtCellBuilder *self) { nrt_cb_canvas_select_all (self->canvas, FALSE); }
static void
on_select_xor (GtkButton *b, NrtCellBuilder *self) { nrt_cb_canvas_select_xor (self->canvas); }

/* Subset members := the selection.  One undo step. */
gboolean
nrt_cell_builder_subset_from_selection (NrtCellBuilder *self, const char *subset, gboolean create,
                                        GError **error)
{
  const NrtModelData *d = data (self);
  gboolean ok = TRUE;
  int s;

  g_return_val_if_fail (NRT_IS_CELL_BUILDER (self), FALSE);
  nrt_model_begin_group (self->model, create ? _("New Subset") : _("Selection to Subset"));
  if (create)
    ok = nrt_model_add_subset (self->model, subset, error);
  s = nrt_model_find_subset (self->model, subset);
  if (ok && s == 0)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                   _("“all” always holds every section"));
      ok = FALSE;
    }
  for (guint i = 0; ok && i < d->sections->len; i++)
    {
      const char *name = ((NrtSection *) g_ptr_array_index (d->sections, i))->name;
      gboolean member = FALSE, want = nrt_cb_canvas_is_selected (self->canvas, i);
      const NrtSubset *ss = g_ptr_array_index (d->subsets, s);
      for (guint k = 0; k < ss->members->len; k++)
        member = member || g_array_index (ss->members, int, k) == (int) i;
      if (want && !member)
        ok = nrt_model_subset_add_section (self->model, subset, name, error);
      else if (!want && member)
        ok = nrt_model_subset_remove_section (self->model, subset, name, error);
    }
  nrt_model_end_group (self->model);
  return ok;
}

static void
on_subset_row_activated (AdwActionRow *row, NrtCellBuilder *self)
{
  const char *name = g_object_get_data (G_OBJECT (row), "subset");
  g_free (self->selected_subset);
  self->selected_subset = g_strdup (name);
  selection_from_subset (self, name, 0);
}

static void
on_subset_set (GtkButton *button, NrtCellBuilder *self)
{
  g_autoptr(GError) error = NULL;
  if (!nrt_cell_builder_subset_from_selection (self, g_object_get_data (G_OBJECT (button), "subset"),
                                               FALSE, &error))
    toast_error (self, error);
}

static void
on_subset_delete (GtkButton *button, NrtCellBuilder *self)
{
  g_autoptr(GError) error = NULL;
  if (!nrt_model_remove_subset (self->model, g_object_get_data (G_OBJECT (button), "subset"), &error))
    toast_error (self, error);
}

/* Moves a subset one place up (delta −1) or down (+1); "all" stays first. */
gboolean
nrt_cell_builder_move_subset (NrtCellBuilder *self, const char *subset, int delta,
                              GError **error)
{
  int from = nrt_model_find_subset (self->model, subset);

  g_return_val_if_fail (NRT_IS_CELL_BUILDER (self), FALSE);
  if (from < 0)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_UNKNOWN_SUBSET,
                   _("There is no subset “%s”"), subset);
      return FALSE;
    }
  return nrt_model_move_subset (self->model, from, from + delta, error);
}

static void
on_subset_move (GtkButton *button, NrtCellBuilder *self)
{
  g_autoptr(GError) error = NULL;
  int delta = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "delta"));

  if (!nrt_cell_builder_move_subset (self, g_object_get_data (G_OBJECT (button), "subset"),
                                     delta, &error))
    toast_error (self, error);
}

static void
on_new_subset (AdwEntryRow *row, NrtCellBuilder *self)
{
  g_autoptr(GError) error = NULL;
  const char *name = gtk_editable_get_text (GTK_EDITABLE (row));

  if (!valid_hoc_name (name))
    {
      toast (self, _("A subset name starts with a letter and has only letters, digits and “_”"));
      return;
    }
  if (!nrt_cell_builder_subset_from_selection (self, name, TRUE, &error))
    toast_error (self, error);
}

typedef struct {
  NrtCellBuilder *self;
  char           *old_name;
  gboolean        section;
} RenameData;

static void
rename_data_free (RenameData *r)
{
  g_free (r->old_name);
  g_free (r);
}

static void
on_rename_response (AdwMessageDialog *dialog, const char *response, RenameData *r)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *entry = adw_message_dialog_get_extra_child (dialog);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  gboolean ok;

  if (g_strcmp0 (response, "rename") != 0)
    return;
  if (r->section)
    ok = nrt_cb_canvas_rename (r->self->canvas, r->old_name, text, &error);
  else
    ok = nrt_model_rename_subset (r->self->model, r->old_name, text, &error);
  if (!ok)
    toast_error (r->self, error);
}

static void
rename_dialog (NrtCellBuilder *self, const char *name, gboolean section)
{
  GtkWidget *dialog, *entry;
  RenameData *r = g_new0 (RenameData, 1);

  r->self = self, r->old_name = g_strdup (name), r->section = section;
  dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                   section ? _("Rename Section") : _("Rename Subset"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog), _("New name for “%s”"), name);
  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), name);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "rename", _("_Rename"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rename",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "rename");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_rename_response), r,
                         (GClosureNotify) (void (*) (void)) rename_data_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_subset_rename (GtkButton *button, NrtCellBuilder *self)
{
  rename_dialog (self, g_object_get_data (G_OBJECT (button), "subset"), FALSE);
}

static void
on_rename_requested (NrtCbCanvas *canvas, const char *name, NrtCellBuilder *self)
{
  rename_dialog (self, name, TRUE);
}

static GtkWidget *
icon_button (const char *icon, const char *tooltip, const char *subset, GCallback cb, gpointer user)
{
  GtkWidget *b = gtk_button_new_from_icon_name (icon);
  gtk_widget_set_tooltip_text (b, tooltip);
  gtk_widget_set_valign (b, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (b, "flat");
  g_object_set_data_full (G_OBJECT (b), "subset", g_strdup (subset), g_free);
  g_signal_connect (b, "clicked", cb, user);
  return b;
}

static char *
members_text (NrtCellBuilder *self, const char *subset)
{
  g_autoptr(GString) s = g_string_new (NULL);
  guint n = subset_size (self, subset);

  if (nrt_model_find_subset (self->model, subset) == 0)
    return g_strdup (_("every section, always"));
  if (n == 0)
    return g_strdup (_("empty"));
  for (guint k = 0; k < n && k < 8; k++)
    g_string_append_printf (s, "%s%s", k ? ", " : "",
                            nrt_model_get_section (self->model, subset_member (self, subset, k))->name);
  if (n > 8)
    g_string_append_printf (s, _(" and %u more"), n - 8);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static GtkWidget *
build_subsets (NrtCellBuilder *self)
{
  GtkWidget *page = page_new ();
  GtkWidget *g, *row, *box, *b;
  GtkCheckButton *group = NULL;
  const NrtModelData *d = data (self);
  static const struct { NrtCbTool tool; const char *title, *subtitle; } tools[] = {
    { NRT_CB_TOOL_SELECT_ONE, N_("Select One"), N_("Click a section to toggle it") },
    { NRT_CB_TOOL_SELECT_SUBTREE, N_("Select Subtree"), N_("Click a section: it and its subtree") },
    { NRT_CB_TOOL_SELECT_BASENAME, N_("Select Basename"), N_("Click a section: every section with its base name") },
  };
  static const char *ops[] = { NULL, N_("Union"), N_("Intersection"), N_("Subtract") };
  guint n_sel = 0;
  g_autofree char *sel_text = NULL;

  for (guint i = 0; i < d->sections->len; i++)
    n_sel += nrt_cb_canvas_is_selected (self->canvas, i);
  sel_text = g_strdup_printf (ngettext ("%u section selected", "%u sections selected", n_sel), n_sel);

  g = group_new (_("First, Select"), sel_text);
  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    {
      row = tool_row (self, tools[i].tool, _(tools[i].title), _(tools[i].subtitle), &group);
      group_add (g, row);
    }
  (void) on_select_tool;
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_add_css_class (box, "linked");
  b = gtk_button_new_with_mnemonic (_("_All"));
  g_signal_connect (b, "clicked", G_CALLBACK (on_select_all), self);
  gtk_box_append (GTK_BOX (box), b);
  b = gtk_button_new_with_mnemonic (_("_None"));
  g_signal_connect (b, "clicked", G_CALLBACK (on_select_none), self);
  gtk_box_append (GTK_BOX (box), b);
  b = gtk_button_new_with_mnemonic (_("_Xor"));
  gtk_widget_set_tooltip_text (b, _("Invert the selection"));
  g_signal_connect (b, "clicked", G_CALLBACK (on_select_xor), self);
  gtk_box_append (GTK_BOX (box), b);
  for (int op = 1; op <= 3; op++)
    {
      g_autofree char *tip = g_strdup_printf (_("%s of the selection and subset “%s”"), _(ops[op]),
                                              self->selected_subset ? self->selected_subset : "all");
      b = gtk_button_new_with_label (_(ops[op]));
      gtk_widget_set_tooltip_text (b, tip);
      g_object_set_data (G_OBJECT (b), "op", GINT_TO_POINTER (op));
      g_signal_connect (b, "clicked", G_CALLBACK (on_combine), self);
      gtk_box_append (GTK_BOX (box), b);
    }
  group_add (g, box);
  page_add (page, g);

  g = group_new (_("Then, Act"), _("Click a subset to select its sections; specifications run in this order, general to specific"));
  for (guint s = 0; s < d->subsets->len; s++)
    {
      const char *name = ((NrtSubset *) g_ptr_array_index (d->subsets, s))->name;
      g_autofree char *members = members_text (self, name);

      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), members);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "subset", g_strdup (name), g_free);
      g_signal_connect (row, "activated", G_CALLBACK (on_subset_row_activated), self);
      if (g_strcmp0 (self->selected_subset, name) == 0)
        adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("object-select-symbolic"));
      if (s > 0)
        {
          GtkWidget *up = icon_button ("go-up-symbolic", _("Move up"), name,
                                       G_CALLBACK (on_subset_move), self);
          GtkWidget *down = icon_button ("go-down-symbolic", _("Move down"), name,
                                         G_CALLBACK (on_subset_move), self);

          g_object_set_data (G_OBJECT (up), "delta", GINT_TO_POINTER (-1));
          g_object_set_data (G_OBJECT (down), "delta", GINT_TO_POINTER (1));
          gtk_widget_set_sensitive (up, s > 1);
          gtk_widget_set_sensitive (down, s + 1 < d->subsets->len);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), up);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), down);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                     icon_button ("edit-select-all-symbolic", _("Make the selection this subset"),
                                                  name, G_CALLBACK (on_subset_set), self));
          adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                     icon_button ("document-edit-symbolic", _("Rename"), name,
                                                  G_CALLBACK (on_subset_rename), self));
          adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                     icon_button ("user-trash-symbolic", _("Delete"), name,
                                                  G_CALLBACK (on_subset_delete), self));
        }
      group_add (g, row);
    }
  row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("New subset from the selection"));
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
  g_signal_connect (row, "apply", G_CALLBACK (on_new_subset), self);
  group_add (g, row);
  page_add (page, g);
  return page;
}

/* ---- Geometry page ---------------------------------------------------------------- */

static const struct {
  guint kind;
  const char *title;
  gboolean subset_only;
} geo_kinds[] = {
  { NRT_GEO_L, N_("L — constant"), FALSE },
  { NRT_GEO_DIAM, N_("diam — constant"), FALSE },
  { NRT_GEO_DISTINCT_L, N_("L — distinct per section"), TRUE },
  { NRT_GEO_DISTINCT_DIAM, N_("diam — distinct per section"), TRUE },
  { NRT_GEO_AREA, N_("area"), FALSE },
  { NRT_GEO_CIRCUIT, N_("circuit (area 100 µm²)"), FALSE },
  { NRT_GEO_NSEG, N_("nseg"), FALSE },
  { NRT_GEO_D_LAMBDA, N_("d_lambda"), FALSE },
  { NRT_GEO_D_X, N_("d_X"), FALSE },
};

static char *
kinds_text (guint kinds)
{
  g_autoptr(GString) s = g_string_new (NULL);
  static const char *names[] = { "L", "diam", "L (distinct)", "diam (distinct)", "area", "circuit",
                                 "nseg", "d_lambda", "d_X" };
  for (guint b = 0; b < G_N_ELEMENTS (names); b++)
    if (kinds & (1u << b))
      g_string_append_printf (s, "%s%s", s->len ? ", " : "", names[b]);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static guint
spec_kinds (NrtCellBuilder *self, const char *target)
{
  GPtrArray *specs = data (self)->geometry_specs;
  int i = find_spec (specs, target, TRUE);
  return i >= 0 ? ((NrtGeometrySpec *) specs->pdata[i])->kinds : 0;
}

static void
on_geo_check (GtkCheckButton *check, NrtCellBuilder *self)
{
  g_autoptr(GError) error = NULL;
  const char *target = g_object_get_data (G_OBJECT (check), "target");
  guint kind = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "kind"));
  guint kinds = spec_kinds (self, target);
  gboolean on = gtk_check_button_get_active (check);

  if (on == ((kinds & kind) != 0))
    return;
  kinds = on ? kinds | kind : kinds & ~kind;
  if (!nrt_cell_builder_set_geometry_kinds (self, target, kinds, &error))
    {
      toast_error (self, error);
      g_signal_handlers_block_by_func (check, on_geo_check, self);
      gtk_check_button_set_active (check, !on);
      g_signal_handlers_unblock_by_func (check, on_geo_check, self);
    }
}

static void
on_strategy_switch (GObject *sw, GParamSpec *pspec, NrtCellBuilder *self)
{
  gboolean *flag = g_object_get_data (sw, "flag");
  *flag = gtk_switch_get_active (GTK_SWITCH (sw));
  g_clear_pointer (&self->signature[NRT_CB_PAGE_GEOMETRY], g_free);
  g_clear_pointer (&self->signature[NRT_CB_PAGE_BIOPHYSICS], g_free);
  rebuild_pages (self);
}

static GtkWidget *
strategy_switch_group (NrtCellBuilder *self, gboolean *flag, const char *description)
{
  GtkWidget *g = group_new (NULL, NULL);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *sw = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Specify Strategy"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), description);
  gtk_switch_set_active (GTK_SWITCH (sw), *flag);
  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  g_object_set_data (G_OBJECT (sw), "flag", flag);
  g_signal_connect (sw, "notify::active", G_CALLBACK (on_strategy_switch), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
  group_add (g, row);
  return g;
}

static void
on_expander_highlight (GObject *row, GParamSpec *pspec, NrtCellBuilder *self)
{
  if (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (row)))
    nrt_cb_canvas_set_highlight (self->canvas, g_object_get_data (row, "target"));
}

static char *
nseg_text (NrtCellBuilder *self, const char *target)
{
  guint n = subset_size (self, target);
  int lo = G_MAXINT, hi = 0, total = 0;

  for (guint k = 0; k < n; k++)
    {
      int ns = nrt_model_get_section (self->model, subset_member (self, target, k))->nseg;
      lo = MIN (lo, ns), hi = MAX (hi, ns), total += ns;
    }
  if (n == 0)
    return g_strdup ("—");
  if (lo == hi)
    return g_strdup_printf ("%d", lo);
  return g_strdup_printf (_("%d…%d (%d segments)"), lo, hi, total);
}

static GtkWidget *
build_geometry (NrtCellBuilder *self)
{
  GtkWidget *page = page_new ();
  GtkWidget *g;
  GPtrArray *specs = data (self)->geometry_specs;

  page_add (page, strategy_switch_group (self, &self->geo_strategy,
                                         _("Choose what each subset or section specifies; later rows override earlier ones")));
  if (self->geo_strategy)
    {
      g = group_new (_("Subsets, Then Sections"), NULL);
      for (guint t = 0; t < n_targets (self); t++)
        {
          const char *target = target_name (self, t);
          gboolean is_subset = t < data (self)->subsets->len;
          guint kinds = spec_kinds (self, target);
          g_autofree char *sub = kinds ? kinds_text (kinds) : g_strdup (_("nothing specified"));
          GtkWidget *exp = adw_expander_row_new ();

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (exp), target);
          adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (exp), sub);
          g_object_set_data_full (G_OBJECT (exp), "target", g_strdup (target), g_free);
          g_signal_connect (exp, "notify::expanded", G_CALLBACK (on_expander_highlight), self);
          if (is_subset)
            adw_expander_row_add_prefix (ADW_EXPANDER_ROW (exp), gtk_image_new_from_icon_name ("view-list-symbolic"));
          for (guint k = 0; k < G_N_ELEMENTS (geo_kinds); k++)
            {
              GtkWidget *row, *check;
              if (geo_kinds[k].subset_only && !is_subset)
                continue;
              row = adw_action_row_new ();
              check = gtk_check_button_new ();
              adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(geo_kinds[k].title));
              adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
              adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
              gtk_check_button_set_active (GTK_CHECK_BUTTON (check), (kinds & geo_kinds[k].kind) != 0);
              g_object_set_data_full (G_OBJECT (check), "target", g_strdup (target), g_free);
              g_object_set_data (G_OBJECT (check), "kind", GUINT_TO_POINTER (geo_kinds[k].kind));
              g_signal_connect (check, "toggled", G_CALLBACK (on_geo_check), self);
              adw_expander_row_add_row (ADW_EXPANDER_ROW (exp), row);
            }
          group_add (g, exp);
        }
      page_add (page, g);
      return page;
    }

  if (specs->len == 0)
    {
      g = group_new (_("Nothing Specified"),
                     _("Turn on Specify Strategy to choose what each subset or section specifies. "
                       "Until then every section keeps its own values."));
      page_add (page, g);
    }
  for (guint i = 0; i < specs->len; i++)
    {
      const NrtGeometrySpec *s = specs->pdata[i];
      gboolean is_subset = nrt_model_find_subset (self->model, s->target) >= 0;
      g_autofree char *title = is_subset ? g_strdup_printf ("forsec %s", s->target) : g_strdup (s->target);
      g_autofree char *ns = nseg_text (self, s->target);
      g_autofree char *desc = g_strdup_printf (_("nseg now: %s"), ns);
      GtkWidget *row;

      g = group_new (title, desc);
      if (s->kinds & NRT_GEO_L)
        group_add (g, field_row (self, NRT_CB_PAGE_GEOMETRY, TRUE, s->target, NRT_GEO_L, 0,
                                 _("L (µm)"), s->L, 100, 0, 1e9, TRUE));
      if (s->kinds & NRT_GEO_DIAM)
        group_add (g, field_row (self, NRT_CB_PAGE_GEOMETRY, TRUE, s->target, NRT_GEO_DIAM, 0,
                                 _("diam (µm)"), s->diam, 1, 0, 1e9, TRUE));
      for (int k = 0; k < 2; k++)
        {
          GArray *arr = k == 0 ? s->distinct_L : s->distinct_diam;
          if (!(s->kinds & (k == 0 ? NRT_GEO_DISTINCT_L : NRT_GEO_DISTINCT_DIAM)) || arr == NULL)
            continue;
          for (guint m = 0; m < arr->len && m < subset_size (self, s->target); m++)
            {
              g_autofree char *label = g_strdup_printf ("%s.%s (µm)",
                                                        nrt_model_get_section (self->model, subset_member (self, s->target, m))->name,
                                                        k == 0 ? "L" : "diam");
              group_add (g, field_row (self, NRT_CB_PAGE_GEOMETRY, TRUE, s->target,
                                       k == 0 ? NRT_GEO_DISTINCT_L : NRT_GEO_DISTINCT_DIAM, m, label,
                                       g_array_index (arr, double, m), k == 0 ? 100 : 1, 0, 1e9, TRUE));
            }
        }
      if (s->kinds & NRT_GEO_AREA)
        group_add (g, field_row (self, NRT_CB_PAGE_GEOMETRY, TRUE, s->target, NRT_GEO_AREA, 0,
                                 _("area (µm²)"), s->area, 100, 0, 1e12, TRUE));
      if (s->kinds & NRT_GEO_CIRCUIT)
        {
          row = adw_action_row_new ();
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("circuit"));
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                       _("area 100 µm²: densities read as absolute units (S, µF, mA per cm² = µS, pF, nA); Ra in Ω·cm = MΩ. L = 43.0127 µm, diam = 100/L/π = 0.74 µm"));
          group_add (g, row);
        }
      if (s->kinds & NRT_GEO_NSEG)
        group_add (g, field_row (self, NRT_CB_PAGE_GEOMETRY, TRUE, s->target, NRT_GEO_NSEG, 0,
                                 _("nseg"), s->nseg, 1, 1, 32767, FALSE));
      if (s->kinds & NRT_GEO_D_LAMBDA)
        {
          row = field_row (self, NRT_CB_PAGE_GEOMETRY, TRUE, s->target, NRT_GEO_D_LAMBDA, 0,
                           _("d_lambda (fraction of λ at 100 Hz)"), s->d_lambda, 0.1, 0, 1e6, TRUE);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("nseg ≈ L / (d_lambda · λ(100 Hz)), odd"));
          group_add (g, row);
        }
      if (s->kinds & NRT_GEO_D_X)
        {
          row = field_row (self, NRT_CB_PAGE_GEOMETRY, TRUE, s->target, NRT_GEO_D_X, 0,
                           _("d_X (µm)"), s->d_X, 50, 0, 1e9, TRUE);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("nseg ≈ L / d_X, odd"));
          group_add (g, row);
        }
      page_add (page, g);
    }
  return page;
}

/* ---- Biophysics page -------------------------------------------------------------- */

static void
on_bio_check (GtkCheckButton *check, NrtCellBuilder *self)
{
  g_autoptr(GError) error = NULL;
  const char *target = g_object_get_data (G_OBJECT (check), "target");
  int what = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (check), "what"));

  if (!nrt_cell_builder_set_biophysics_strategy (self, target, what,
                                                 gtk_check_button_get_active (check), &error))
    toast_error (self, error);
}

static GtkWidget *
build_biophysics (NrtCellBuilder *self)
{
  GtkWidget *page = page_new ();
  GtkWidget *g;
  GPtrArray *specs = data (self)->biophysics_specs;

  page_add (page, strategy_switch_group (self, &self->bio_strategy,
                                         _("Choose Ra, cm and mechanisms per subset or section; later rows override earlier ones")));
  if (self->bio_strategy)
    {
      g = group_new (_("Subsets, Then Sections"), NULL);
      for (guint t = 0; t < n_targets (self); t++)
        {
          const char *target = target_name (self, t);
          int i = find_spec (specs, target, FALSE);
          const NrtBiophysicsSpec *b = i >= 0 ? specs->pdata[i] : NULL;
          g_autoptr(GString) sub = g_string_new (NULL);
          GtkWidget *exp = adw_expander_row_new ();

          for (int w = 0; w < NRT_CB_BIO_CHANNEL + (int) data (self)->channels->len; w++)
            {
              const NrtChannel *ch = channel_for (self, w);
              gboolean on;

              /* Point channels are placed with the Point Manager, not inserted in sections. */
              if (ch != NULL && ch->kind != NRT_CHANNEL_DENSITY)
                continue;
              on = b != NULL && (w == NRT_CB_BIO_RA ? b->has_Ra : w == NRT_CB_BIO_CM ? b->has_cm
                                          : ch != NULL ? nrt_biophysics_spec_find_channel (b, ch->name) != NULL
                                          : b->mech[w - NRT_CB_BIO_MECH].inserted);
              const char *name = w == NRT_CB_BIO_RA ? "Ra" : w == NRT_CB_BIO_CM ? "cm"
                               : ch != NULL ? ch->name
                               : nrt_mechanism_info (w - NRT_CB_BIO_MECH)->name;
              GtkWidget *row = adw_action_row_new ();
              GtkWidget *check = gtk_check_button_new ();

              if (on)
                g_string_append_printf (sub, "%s%s", sub->len ? ", " : "", name);
              adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
              adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
              adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
              gtk_check_button_set_active (GTK_CHECK_BUTTON (check), on);
              g_object_set_data_full (G_OBJECT (check), "target", g_strdup (target), g_free);
              g_object_set_data (G_OBJECT (check), "what", GINT_TO_POINTER (w));
              g_signal_connect (check, "toggled", G_CALLBACK (on_bio_check), self);
              adw_expander_row_add_row (ADW_EXPANDER_ROW (exp), row);
            }
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (exp), target);
          adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (exp), sub->len ? sub->str : _("nothing specified"));
          g_object_set_data_full (G_OBJECT (exp), "target", g_strdup (target), g_free);
          g_signal_connect (exp, "notify::expanded", G_CALLBACK (on_expander_highlight), self);
          if (t < data (self)->subsets->len)
            adw_expander_row_add_prefix (ADW_EXPANDER_ROW (exp), gtk_image_new_from_icon_name ("view-list-symbolic"));
          group_add (g, exp);
        }
      page_add (page, g);
      return page;
    }

  if (specs->len == 0)
    page_add (page, group_new (_("Nothing Specified"),
                               _("Turn on Specify Strategy to choose Ra, cm and mechanisms per subset or section.")));
  for (guint i = 0; i < specs->len; i++)
    {
      const NrtBiophysicsSpec *b = specs->pdata[i];
      gboolean is_subset = nrt_model_find_subset (self->model, b->target) >= 0;
      g_autofree char *title = is_subset ? g_strdup_printf ("forsec %s", b->target) : g_strdup (b->target);

      g = group_new (title, NULL);
      if (b->has_Ra)
        group_add (g, field_row (self, NRT_CB_PAGE_BIOPHYSICS, FALSE, b->target, NRT_CB_BIO_RA, 0,
                                 _("Ra (Ω·cm)"), b->Ra, 35.4, 0, 1e9, TRUE));
      if (b->has_cm)
        group_add (g, field_row (self, NRT_CB_PAGE_BIOPHYSICS, FALSE, b->target, NRT_CB_BIO_CM, 0,
                                 _("cm (µF/cm²)"), b->cm, 1, 0, 1e9, TRUE));
      for (int m = 0; m < NRT_N_MECH; m++)
        {
          const NrtMechanismInfo *info = nrt_mechanism_info (m);
          if (!b->mech[m].inserted)
            continue;
          {
            GtkWidget *row = adw_action_row_new ();
            g_autofree char *t = g_strdup_printf (_("insert %s"), info->name);
            adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), t);
            gtk_widget_add_css_class (row, "property");
            group_add (g, row);
          }
          for (guint p = 0; p < info->n_params; p++)
            {
              g_autofree char *units = pretty_units (info->params[p].units);
              g_autofree char *label = *units ? g_strdup_printf ("%s (%s)", info->params[p].name, units)
                                              : g_strdup (info->params[p].name);
              group_add (g, field_row (self, NRT_CB_PAGE_BIOPHYSICS, FALSE, b->target, NRT_CB_BIO_MECH + m, p,
                                       label, b->mech[m].p[p], info->params[p].def,
                                       info->params[p].min, info->params[p].max, FALSE));
            }
        }
      for (guint c = 0; c < b->channels->len; c++)
        {
          const NrtBiophysicsChannel *bc = &g_array_index (b->channels, NrtBiophysicsChannel, c);
          int k = nrt_model_find_channel (self->model, bc->name);
          const NrtChannel *ch = k >= 0 ? data (self)->channels->pdata[k] : NULL;
          GtkWidget *row = adw_action_row_new ();
          g_autofree char *t = g_strdup_printf (_("insert %s"), bc->name);
          g_autofree char *glabel = NULL, *elabel = NULL;

          if (ch == NULL)
            continue;
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), t);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("ChannelBuilder channel"));
          gtk_widget_add_css_class (row, "property");
          group_add (g, row);
          /* TRANSLATORS: a channel's maximum conductance field; %s is the channel's name. */
          glabel = g_strdup_printf (_("gmax_%s (S/cm²)"), bc->name);
          group_add (g, field_row (self, NRT_CB_PAGE_BIOPHYSICS, FALSE, b->target,
                                   NRT_CB_BIO_CHANNEL + k, NRT_CB_CHANNEL_GMAX, glabel, bc->gmax,
                                   ch->gmax, 0, 1e9, FALSE));
          if (ch->ion == NRT_ION_NONSPECIFIC)
            {
              /* TRANSLATORS: a channel's reversal potential field; %s is its name. */
              elabel = g_strdup_printf (_("e_%s (mV)"), bc->name);
              group_add (g, field_row (self, NRT_CB_PAGE_BIOPHYSICS, FALSE, b->target,
                                       NRT_CB_BIO_CHANNEL + k, NRT_CB_CHANNEL_E, elabel, bc->e,
                                       ch->erev, -1e9, 1e9, FALSE));
            }
        }
      page_add (page, g);
    }
  return page;
}

/* ---- Management page -------------------------------------------------------------- */

static void
on_classname_apply (AdwEntryRow *row, NrtCellBuilder *self)
{
  g_autoptr(GError) error = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  if (!valid_hoc_name (text))
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      toast (self, _("A class name starts with a letter and has only letters, digits and “_”"));
      return;
    }
  if (!nrt_model_set_class_name (self->model, text, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      toast_error (self, error);
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

/* The cell type's spike source lives in the model (saved with it, undoable). */
static void
set_output (NrtCellBuilder *self, const char *section, double x, double threshold)
{
  const NrtModelData *d = data (self);
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (section, d->output_section) == 0 && x == d->output_x
      && threshold == d->threshold)
    return;
  if (!nrt_model_set_cell_output (self->model, section, x, threshold, &error))
    toast_error (self, error);
}

static void
on_output_selected (GObject *combo, GParamSpec *pspec, NrtCellBuilder *self)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (ADW_COMBO_ROW (combo));
  const NrtModelData *d = data (self);

  if (item != NULL)
    set_output (self, gtk_string_object_get_string (item), d->output_x, d->threshold);
}

static void
on_output_x (NrtNumberEntry *entry, double value, NrtCellBuilder *self)
{
  set_output (self, data (self)->output_section, value, data (self)->threshold);
}

static void
on_threshold (NrtNumberEntry *entry, double value, NrtCellBuilder *self)
{
  set_output (self, data (self)->output_section, data (self)->output_x, value);
}

gboolean
nrt_cell_builder_save_hoc (NrtCellBuilder *self, const char *path, GError **error)
{
  const NrtModelData *d = data (self);
  NrtHocCellOptions options = { d->output_section, d->output_x, d->threshold,
                                self->hoc_form, self->hoc_channels, self->hoc_session };

  g_return_val_if_fail (NRT_IS_CELL_BUILDER (self), FALSE);
  return nrt_hoc_write_file_full (self->model, &options, path, error);
}

void
nrt_cell_builder_set_hoc_options (NrtCellBuilder *self, NrtHocForm form,
                                  NrtHocChannels channels, NrtHocSession session)
{
  g_return_if_fail (NRT_IS_CELL_BUILDER (self));
  self->hoc_form = form;
  self->hoc_channels = channels;
  self->hoc_session = session;
  /* The page's menus show the choice. */
  g_clear_pointer (&self->signature[NRT_CB_PAGE_MANAGEMENT], g_free);
  rebuild_pages (self);
}

static void
on_hoc_choice (AdwComboRow *row, GParamSpec *pspec, NrtCellBuilder *self)
{
  const char *which = g_object_get_data (G_OBJECT (row), "nrt-hoc");
  guint selected = adw_combo_row_get_selected (row);

  if (selected == GTK_INVALID_LIST_POSITION)
    return;
  if (g_str_equal (which, "form"))
    self->hoc_form = selected;
  else if (g_str_equal (which, "channels"))
    self->hoc_channels = selected;
  else
    self->hoc_session = selected;
}

static GtkWidget *
hoc_choice_row (NrtCellBuilder *self, const char *title, const char *subtitle,
                const char *which, guint selected, const char *const *items)
{
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);

  for (guint i = 0; items[i] != NULL; i++)
    gtk_string_list_append (list, _(items[i]));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (list));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
  g_object_set_data (G_OBJECT (row), "nrt-hoc", (gpointer) which);
  g_signal_connect (row, "notify::selected", G_CALLBACK (on_hoc_choice), self);
  return row;
}

static void
on_save_response (GtkNativeDialog *dialog, int response, NrtCellBuilder *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;

      if (nrt_cell_builder_save_hoc (self, path, &error))
        {
          g_autofree char *msg = g_strdup_printf (_("Saved %s"), path);
          toast (self, msg);
        }
      else
        toast_error (self, error);
    }
  g_object_unref (dialog);
}

static void
on_save_hoc (GtkButton *button, NrtCellBuilder *self)
{
  GtkFileChooserNative *native;
  GtkFileFilter *filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;
  const char *cls = data (self)->class_name;

  native = gtk_file_chooser_native_new (_("Save hoc Code"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("hoc files"));
  gtk_file_filter_add_pattern (filter, "*.hoc");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  g_object_unref (filter);
  name = g_strdup_printf ("%s.hoc", cls != NULL && *cls ? cls : "Cell");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
  g_signal_connect (native, "response", G_CALLBACK (on_save_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static GtkWidget *
build_management (NrtCellBuilder *self)
{
  GtkWidget *page = page_new ();
  GtkWidget *g, *row, *entry, *button;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  const NrtModelData *d = data (self);
  guint selected = 0;

  g = group_new (_("Cell Type"), _("Needed only when the cell is used in a network"));
  row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Class name"));
  gtk_editable_set_text (GTK_EDITABLE (row), d->class_name != NULL ? d->class_name : "Cell");
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
  g_signal_connect (row, "apply", G_CALLBACK (on_classname_apply), self);
  group_add (g, row);

  for (guint i = 0; i < d->sections->len; i++)
    {
      const NrtSection *sec = g_ptr_array_index (d->sections, i);
      gtk_string_list_append (names, sec->name);
      /* No choice yet means NEURON's default, the first section. */
      if (g_strcmp0 (sec->name, d->output_section) == 0)
        selected = i;
    }
  row = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Output section (spike source)"));
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (names));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
  g_signal_connect (row, "notify::selected-item", G_CALLBACK (on_output_selected), self);
  group_add (g, row);

  row = number_row (_("Output location (0–1)"), d->output_x, 1, &entry);
  nrt_number_entry_set_range (NRT_NUMBER_ENTRY (entry), 0, 1, FALSE);
  nrt_number_entry_set_step (NRT_NUMBER_ENTRY (entry), 0.1);
  g_signal_connect (entry, "value-committed", G_CALLBACK (on_output_x), self);
  group_add (g, row);
  row = number_row (_("Threshold (mV)"), d->threshold, 10, &entry);
  nrt_number_entry_set_range (NRT_NUMBER_ENTRY (entry), -1000, 1000, FALSE);
  g_signal_connect (entry, "value-committed", G_CALLBACK (on_threshold), self);
  group_add (g, row);
  page_add (page, g);

  g = group_new (_("Export"), _("hoc code NEURON loads with load_file() or runs with nrniv. "
                                "A template is built by “new ClassName()”; the top-level form "
                                "makes the sections at once. NMODL channels keep their q10s and "
                                "are compiled with nrnivmodl. A session adds the point "
                                "processes, NetStims and run settings."));
  {
    static const char *const forms[] = {
      N_("Cell type (template)"), N_("Top level (celldef)"), NULL
    };
    static const char *const channels[] = {
      N_("KSChan hoc in the file"), N_("NMODL files beside it"), NULL
    };
    static const char *const sessions[] = {
      N_("Cell only"), N_("Cell and stimuli"), N_("Cell, stimuli, run()"),
      NULL
    };

    group_add (g, hoc_choice_row (self, _("Form"), NULL, "form", self->hoc_form, forms));
    group_add (g, hoc_choice_row (self, _("Channels"), NULL, "channels",
                                  self->hoc_channels, channels));
    group_add (g, hoc_choice_row (self, _("Session"), NULL, "session", self->hoc_session,
                                  sessions));
  }
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Save hoc code in a file"));
  button = gtk_button_new_with_mnemonic (_("_Save hoc Code…"));
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect (button, "clicked", G_CALLBACK (on_save_hoc), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  group_add (g, row);
  page_add (page, g);
  return page;
}

/* ---- page bookkeeping ------------------------------------------------------------- */

/* What a page's widgets depend on, beyond values: rebuilt only when this changes. */
static char *
page_signature (NrtCellBuilder *self, int page)
{
  const NrtModelData *d = data (self);
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < d->sections->len; i++)
    g_string_append_printf (s, "%s,", ((NrtSection *) g_ptr_array_index (d->sections, i))->name);
  for (guint i = 0; i < d->subsets->len; i++)
    {
      const NrtSubset *ss = g_ptr_array_index (d->subsets, i);
      g_string_append_printf (s, "|%s:", ss->name);
      for (guint k = 0; k < ss->members->len; k++)
        g_string_append_printf (s, "%d,", g_array_index (ss->members, int, k));
    }
  if (page == NRT_CB_PAGE_GEOMETRY)
    {
      g_string_append_printf (s, "#%d", self->geo_strategy);
      for (guint i = 0; i < d->geometry_specs->len; i++)
        {
          const NrtGeometrySpec *g = d->geometry_specs->pdata[i];
          g_string_append_printf (s, "/%s:%u", g->target, g->kinds);
          if (!self->geo_strategy)
            {
              g_autofree char *ns = nseg_text (self, g->target);
              g_string_append (s, ns);
            }
        }
    }
  if (page == NRT_CB_PAGE_BIOPHYSICS)
    {
      g_string_append_printf (s, "#%d", self->bio_strategy);
      for (guint i = 0; i < d->biophysics_specs->len; i++)
        {
          const NrtBiophysicsSpec *b = d->biophysics_specs->pdata[i];
          g_string_append_printf (s, "/%s:%d%d", b->target, b->has_Ra, b->has_cm);
          for (int m = 0; m < NRT_N_MECH; m++)
            g_string_append_printf (s, "%d", b->mech[m].inserted);
          for (guint c = 0; c < b->channels->len; c++)
            g_string_append_printf (s, ",%s", g_array_index (b->channels, NrtBiophysicsChannel, c).name);
        }
      /* The channel library: a new, renamed or retyped channel changes the rows. */
      g_string_append_c (s, '@');
      for (guint c = 0; c < d->channels->len; c++)
        {
          const NrtChannel *ch = d->channels->pdata[c];
          g_string_append_printf (s, "%s:%d:%d,", ch->name, ch->ion, ch->kind);
        }
    }
  if (page == NRT_CB_PAGE_SUBSETS)
    {
      for (guint i = 0; i < d->sections->len; i++)
        g_string_append_c (s, nrt_cb_canvas_is_selected (self->canvas, i) ? '1' : '0');
      g_string_append_printf (s, "@%s", self->selected_subset ? self->selected_subset : "");
    }
  if (page == NRT_CB_PAGE_MANAGEMENT)
    g_string_append_printf (s, "@%s", d->class_name ? d->class_name : "");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
refresh_values (NrtCellBuilder *self, int page)
{
  for (guint i = 0; i < self->fields[page]->len; i++)
    {
      NrtNumberEntry *entry = self->fields[page]->pdata[i];
      FieldRef *f = g_object_get_data (G_OBJECT (entry), "field-ref");
      GPtrArray *specs = f->geo ? data (self)->geometry_specs : data (self)->biophysics_specs;
      int k = find_spec (specs, f->target, f->geo);
      double v;

      if (k < 0 || nrt_number_entry_get_error (entry) != NULL)
        continue;
      if (f->geo)
        {
          const NrtGeometrySpec *g = specs->pdata[k];
          v = f->kind == NRT_GEO_L ? g->L : f->kind == NRT_GEO_DIAM ? g->diam
            : f->kind == NRT_GEO_AREA ? g->area : f->kind == NRT_GEO_NSEG ? g->nseg
            : f->kind == NRT_GEO_D_LAMBDA ? g->d_lambda : f->kind == NRT_GEO_D_X ? g->d_X
            : g_array_index (f->kind == NRT_GEO_DISTINCT_L ? g->distinct_L : g->distinct_diam, double, f->index);
        }
      else
        {
          const NrtBiophysicsSpec *b = specs->pdata[k];
          const NrtChannel *ch = channel_for (self, f->kind);
          const NrtBiophysicsChannel *bc = ch ? nrt_biophysics_spec_find_channel (b, ch->name) : NULL;
          if (f->kind >= NRT_CB_BIO_CHANNEL && bc == NULL)
            continue;
          v = f->kind == NRT_CB_BIO_RA ? b->Ra : f->kind == NRT_CB_BIO_CM ? b->cm
            : bc != NULL ? (f->index == NRT_CB_CHANNEL_GMAX ? bc->gmax : bc->e)
            : b->mech[f->kind - NRT_CB_BIO_MECH].p[f->index];
        }
      nrt_number_entry_set_value (entry, v);
    }
}

static void
rebuild_pages (NrtCellBuilder *self)
{
  typedef GtkWidget *(*Builder) (NrtCellBuilder *);
  static const Builder builders[NRT_CB_N_PAGES] = {
    build_topology, build_subsets, build_geometry, build_biophysics, build_management
  };
  static const char *titles[NRT_CB_N_PAGES] = {
    N_("Topology"), N_("Subsets"), N_("Geometry"), N_("Biophysics"), N_("Management")
  };
  static const char *icons[NRT_CB_N_PAGES] = {
    "network-workgroup-symbolic", "view-list-symbolic", "applications-engineering-symbolic",
    "applications-science-symbolic", "document-save-symbolic"
  };
  for (int p = 0; p < NRT_CB_N_PAGES; p++)
    {
      g_autofree char *sig = page_signature (self, p);

      /* Each page is a bin added once, so the switcher keeps NEURON's page order. */
      if (self->page[p] == NULL)
        {
          AdwViewStackPage *sp;
          self->page[p] = adw_bin_new ();
          sp = adw_view_stack_add_titled (self->stack, self->page[p], page_names[p], _(titles[p]));
          adw_view_stack_page_set_icon_name (sp, icons[p]);
        }
      else if (g_strcmp0 (sig, self->signature[p]) == 0)
        {
          refresh_values (self, p);
          continue;
        }
      g_free (self->signature[p]);
      self->signature[p] = g_steal_pointer (&sig);
      g_ptr_array_set_size (self->fields[p], 0);
      adw_bin_set_child (ADW_BIN (self->page[p]), builders[p] (self));
    }
}

static gboolean
rebuild_idle (gpointer user_data)
{
  NrtCellBuilder *self = user_data;
  self->rebuild_id = 0;
  rebuild_pages (self);
  return G_SOURCE_REMOVE;
}

static void
queue_rebuild (NrtCellBuilder *self)
{
  if (self->rebuild_id == 0)
    self->rebuild_id = g_idle_add (rebuild_idle, self);
}

static void
on_model_changed (NrtModel *model, gpointer change, NrtCellBuilder *self)
{
  queue_rebuild (self);
}

static void
on_selection_changed (NrtCbCanvas *canvas, NrtCellBuilder *self)
{
  queue_rebuild (self);
}

static void
on_canvas_error (NrtCbCanvas *canvas, const char *message, NrtCellBuilder *self)
{
  toast (self, message);
}

static const char *const page_hints[NRT_CB_N_PAGES] = {
  N_("Drag from a blue end to grow a section. Ends snap to the 15-unit grid; the drawing is not the geometry."),
  N_("Click sections to select them, then make or change a subset. Red sections are selected."),
  N_("Red: the sections of the expanded row. L, diam and nseg come from the specifications, in order."),
  N_("Red: the sections of the expanded row. Mechanisms and values apply in list order."),
  N_("Export the cell as NEURON hoc code."),
};

void
nrt_cell_builder_show_page (NrtCellBuilder *self, NrtCbPage page)
{
  g_return_if_fail (NRT_IS_CELL_BUILDER (self));
  adw_view_stack_set_visible_child_name (self->stack, page_names[page]);
}

static void
on_visible_page (GObject *stack, GParamSpec *pspec, NrtCellBuilder *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->stack);
  int page = 0;

  for (int p = 0; p < NRT_CB_N_PAGES; p++)
    if (g_strcmp0 (name, page_names[p]) == 0)
      page = p;
  gtk_label_set_text (self->hint, _(page_hints[page]));
  nrt_cb_canvas_set_highlight (self->canvas, NULL);
  if (page == NRT_CB_PAGE_TOPOLOGY && nrt_cb_canvas_get_tool (self->canvas) >= NRT_CB_TOOL_SELECT_ONE)
    nrt_cb_canvas_set_tool (self->canvas, NRT_CB_TOOL_MAKE_SECTION);
  else if (page == NRT_CB_PAGE_SUBSETS && (nrt_cb_canvas_get_tool (self->canvas) < NRT_CB_TOOL_SELECT_ONE
                                           || nrt_cb_canvas_get_tool (self->canvas) == NRT_CB_TOOL_NONE))
    nrt_cb_canvas_set_tool (self->canvas, NRT_CB_TOOL_SELECT_ONE);
  else if (page > NRT_CB_PAGE_SUBSETS)
    nrt_cb_canvas_set_tool (self->canvas, NRT_CB_TOOL_NONE);
  /* the tool rows show the canvas's tool */
  g_clear_pointer (&self->signature[NRT_CB_PAGE_TOPOLOGY], g_free);
  g_clear_pointer (&self->signature[NRT_CB_PAGE_SUBSETS], g_free);
  queue_rebuild (self);
}

/* ---- actions ---------------------------------------------------------------------- */

static void
action_undo (GtkWidget *widget, const char *name, GVariant *param)
{
  NrtCellBuilder *self = NRT_CELL_BUILDER (widget);
  g_autoptr(GError) error = NULL;

  if (nrt_model_can_undo (self->model) && !nrt_model_undo (self->model, &error))
    toast_error (self, error);
}

static void
action_redo (GtkWidget *widget, const char *name, GVariant *param)
{
  NrtCellBuilder *self = NRT_CELL_BUILDER (widget);
  g_autoptr(GError) error = NULL;

  if (nrt_model_can_redo (self->model) && !nrt_model_redo (self->model, &error))
    toast_error (self, error);
}

/* ---- object ----------------------------------------------------------------------- */

static void
nrt_cell_builder_dispose (GObject *object)
{
  NrtCellBuilder *self = NRT_CELL_BUILDER (object);

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
  gtk_widget_dispose_template (GTK_WIDGET (self), NRT_TYPE_CELL_BUILDER);
  G_OBJECT_CLASS (nrt_cell_builder_parent_class)->dispose (object);
}

static void
nrt_cell_builder_finalize (GObject *object)
{
  NrtCellBuilder *self = NRT_CELL_BUILDER (object);

  for (int p = 0; p < NRT_CB_N_PAGES; p++)
    {
      g_free (self->signature[p]);
      g_ptr_array_unref (self->fields[p]);
    }
  g_free (self->selected_subset);
  G_OBJECT_CLASS (nrt_cell_builder_parent_class)->finalize (object);
}

static void
nrt_cell_builder_class_init (NrtCellBuilderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nrt_cell_builder_dispose;
  object_class->finalize = nrt_cell_builder_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/neurite/Neurite/ui/nrt-cell-builder.ui");
  gtk_widget_class_bind_template_child (widget_class, NrtCellBuilder, toasts);
  gtk_widget_class_bind_template_child (widget_class, NrtCellBuilder, stack);
  gtk_widget_class_bind_template_child (widget_class, NrtCellBuilder, canvas_box);
  gtk_widget_class_bind_template_child (widget_class, NrtCellBuilder, hint);

  gtk_widget_class_install_action (widget_class, "cb.undo", NULL, action_undo);
  gtk_widget_class_install_action (widget_class, "cb.redo", NULL, action_redo);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "cb.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "cb.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
nrt_cell_builder_init (NrtCellBuilder *self)
{
  static gboolean css_loaded;

  gtk_widget_init_template (GTK_WIDGET (self));
  for (int p = 0; p < NRT_CB_N_PAGES; p++)
    self->fields[p] = g_ptr_array_new ();
  self->geo_strategy = TRUE;
  self->bio_strategy = TRUE;
  if (!css_loaded)
    {
      GtkCssProvider *css = gtk_css_provider_new ();
      gtk_css_provider_load_from_resource (css, "/io/github/neurite/Neurite/ui/nrt-cell-builder.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_object_unref (css);
      css_loaded = TRUE;
    }
}

GtkWindow *
nrt_cell_builder_new (NrtWindow *main_window)
{
  NrtCellBuilder *self;
  const NrtModelData *d;

  g_return_val_if_fail (NRT_IS_WINDOW (main_window), NULL);
  self = g_object_new (NRT_TYPE_CELL_BUILDER, NULL);
  self->main_window = main_window;
  self->model = g_object_ref (nrt_window_get_model (main_window));
  d = data (self);
  /* Specify Strategy starts on when nothing is specified yet (NEURON) */
  self->geo_strategy = d->geometry_specs->len == 0;
  self->bio_strategy = d->biophysics_specs->len == 0;

  self->canvas = NRT_CB_CANVAS (nrt_cb_canvas_new (self->model));
  nrt_cb_canvas_set_tool (self->canvas, NRT_CB_TOOL_MAKE_SECTION);
  gtk_box_prepend (self->canvas_box, GTK_WIDGET (self->canvas));
  g_signal_connect (self->canvas, "selection-changed", G_CALLBACK (on_selection_changed), self);
  g_signal_connect (self->canvas, "rename-requested", G_CALLBACK (on_rename_requested), self);
  g_signal_connect (self->canvas, "error", G_CALLBACK (on_canvas_error), self);
  g_signal_connect (self->model, "changed", G_CALLBACK (on_model_changed), self);

  rebuild_pages (self);
  g_signal_connect (self->stack, "notify::visible-child-name", G_CALLBACK (on_visible_page), self);
  on_visible_page (G_OBJECT (self->stack), NULL, self);
  nrt_window_add_tool (main_window, GTK_WINDOW (self));
  return GTK_WINDOW (self);
}

NrtCbCanvas *
nrt_cell_builder_get_canvas (NrtCellBuilder *self)
{
  g_return_val_if_fail (NRT_IS_CELL_BUILDER (self), NULL);
  return self->canvas;
}

NrtModel *
nrt_cell_builder_get_model (NrtCellBuilder *self)
{
  g_return_val_if_fail (NRT_IS_CELL_BUILDER (self), NULL);
  return self->model;
}

void
nrt_cell_builder_flush (NrtCellBuilder *self)
{
  g_return_if_fail (NRT_IS_CELL_BUILDER (self));
  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  rebuild_pages (self);
}

void
nrt_cell_builder_set_strategy_mode (NrtCellBuilder *self, NrtCbPage page, gboolean strategy)
{
  g_return_if_fail (NRT_IS_CELL_BUILDER (self));
  g_return_if_fail (page == NRT_CB_PAGE_GEOMETRY || page == NRT_CB_PAGE_BIOPHYSICS);
  if (page == NRT_CB_PAGE_GEOMETRY)
    self->geo_strategy = strategy;
  else
    self->bio_strategy = strategy;
  nrt_cell_builder_flush (self);
}
