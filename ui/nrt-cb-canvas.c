/* nrt-cb-canvas.c: the CellBuilder's stick figure and its Topology and Subsets tools.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Behaviour follows NEURON's celtopol.hoc and celset.hoc (reference/neuron-gui.md §1.1–1.2):
 * ends snap to the 15-unit grid, new sections attach at the distal end of any section or at
 * the proximal end of the root, short sections are drawn as circles, every edit is one undo
 * step.
 */
#include "nrt-ui-config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "nrt-cb-canvas.h"

#define PICK_PX 12.0   /* how near the pointer must be to an end or a stick */
#define MIN_LEN 3.0    /* NEURON stretches shorter new sections to 3 units */
#define CIRCLE_LEN 20.0

typedef struct {
  double x0, y0, x1, y1;
} Pos;

struct _NrtCbCanvas
{
  GtkWidget   parent_instance;
  NrtModel   *model;
  GHashTable *pos;        /* section name → Pos*, in grid units (y up) */
  GHashTable *selected;   /* section names */
  char       *highlight;  /* subset or section name, or NULL */
  char       *basename;
  NrtCbTool   tool;

  /* view transform: px = ox + s*x, py = oy - s*y; frozen while dragging */
  double      s, ox, oy;
  gboolean    frozen;

  /* the drag in progress */
  gboolean    dragging;
  double      ux0, uy0, ux1, uy1;   /* press and current point, grid units */
  double      hover_x, hover_y;
  gboolean    hovering;
  char       *repo_section;         /* Reposition: the section whose end moves */
  int         repo_end;
};

G_DEFINE_FINAL_TYPE (NrtCbCanvas, nrt_cb_canvas, GTK_TYPE_WIDGET)

enum { SIGNAL_SELECTION_CHANGED, SIGNAL_RENAME_REQUESTED, SIGNAL_ERROR, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ---- helpers ---------------------------------------------------------------------- */

static const NrtSection *
sec (NrtCbCanvas *self, int i)
{
  return nrt_model_get_section (self->model, i);
}

static guint
n_sections (NrtCbCanvas *self)
{
  return nrt_model_get_n_sections (self->model);
}

static Pos *
pos_of (NrtCbCanvas *self, int i)
{
  return g_hash_table_lookup (self->pos, sec (self, i)->name);
}

static void
set_pos (NrtCbCanvas *self, const char *name, double x0, double y0, double x1, double y1)
{
  Pos *p = g_new (Pos, 1);

  *p = (Pos) { x0, y0, x1, y1 };
  g_hash_table_insert (self->pos, g_strdup (name), p);
}

static double
snap (double v)
{
  return round (v / NRT_CB_GRID) * NRT_CB_GRID;
}

static gboolean
is_descendant (NrtCbCanvas *self, int i, int ancestor)
{
  for (int p = i; p >= 0; p = sec (self, p)->parent)
    if (p == ancestor)
      return TRUE;
  return FALSE;
}

/* Section indices of the subtree of root, parents first. */
static GArray *
subtree (NrtCbCanvas *self, int root)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (int));

  g_array_append_val (out, root);
  for (guint k = 0; k < out->len; k++)
    for (guint i = 0; i < n_sections (self); i++)
      if (sec (self, i)->parent == g_array_index (out, int, k))
        {
          int j = i;
          g_array_append_val (out, j);
        }
  return out;
}

static char *
base_of (const char *name)
{
  const char *br = strchr (name, '[');
  return br ? g_strndup (name, br - name) : g_strdup (name);
}

/* basename[i] with the smallest i not in use. */
static char *
new_name (NrtCbCanvas *self, const char *basename)
{
  for (int i = 0;; i++)
    {
      char *name = g_strdup_printf ("%s[%d]", basename, i);
      if (nrt_model_find_section (self->model, name) < 0
          && (i > 0 || nrt_model_find_section (self->model, basename) < 0))
        return name;
      g_free (name);
    }
}

static void
translate_sections (NrtCbCanvas *self, GArray *list, double dx, double dy)
{
  for (guint k = 0; k < list->len; k++)
    {
      Pos *p = pos_of (self, g_array_index (list, int, k));
      if (p != NULL)
        p->x0 += dx, p->x1 += dx, p->y0 += dy, p->y1 += dy;
    }
}

/* Gives every section without a position one: NEURON-like, continuing from its attachment
 * point, siblings fanned out by 45°. */
static void
ensure_layout (NrtCbCanvas *self)
{
  gboolean progress = TRUE;

  while (progress)
    {
      progress = FALSE;
      for (guint i = 0; i < n_sections (self); i++)
        {
          const NrtSection *s = sec (self, i);
          Pos *pp;
          double ax, ay, dir, len = 2 * NRT_CB_GRID;
          int k = 0;

          if (g_hash_table_contains (self->pos, s->name))
            continue;
          if (s->parent < 0)
            {
              set_pos (self, s->name, 0, 0, NRT_CB_GRID, 0);
              progress = TRUE;
              continue;
            }
          pp = pos_of (self, s->parent);
          if (pp == NULL)
            continue;
          ax = pp->x0 + s->parent_x * (pp->x1 - pp->x0);
          ay = pp->y0 + s->parent_x * (pp->y1 - pp->y0);
          dir = atan2 (pp->y1 - pp->y0, pp->x1 - pp->x0);
          if (s->parent_x < 0.5)
            dir += G_PI;
          for (guint j = 0; j < i; j++)
            if (sec (self, j)->parent == s->parent
                && (sec (self, j)->parent_x < 0.5) == (s->parent_x < 0.5))
              k++;
          dir += (k % 2 ? 1 : -1) * ((k + 1) / 2) * G_PI / 4;
          set_pos (self, s->name, ax, ay, snap (ax + len * cos (dir)), snap (ay + len * sin (dir)));
          progress = TRUE;
        }
    }
}

static void
update_transform (NrtCbCanvas *self)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double h = gtk_widget_get_height (GTK_WIDGET (self));
  double xmin = -3 * NRT_CB_GRID, xmax = 3 * NRT_CB_GRID;
  double ymin = -3 * NRT_CB_GRID, ymax = 3 * NRT_CB_GRID;
  const double margin = 48;

  if (self->frozen)
    return;
  for (guint i = 0; i < n_sections (self); i++)
    {
      Pos *p = pos_of (self, i);
      if (p == NULL)
        continue;
      xmin = MIN (xmin, MIN (p->x0, p->x1)); xmax = MAX (xmax, MAX (p->x0, p->x1));
      ymin = MIN (ymin, MIN (p->y0, p->y1)); ymax = MAX (ymax, MAX (p->y0, p->y1));
    }
  self->s = MIN ((w - 2 * margin) / (xmax - xmin), (h - 2 * margin) / (ymax - ymin));
  self->s = CLAMP (self->s, 0.2, 4.0);
  self->ox = w / 2 - self->s * (xmin + xmax) / 2;
  self->oy = h / 2 + self->s * (ymin + ymax) / 2;
}

static void
to_units (NrtCbCanvas *self, double px, double py, double *x, double *y)
{
  *x = (px - self->ox) / self->s;
  *y = (self->oy - py) / self->s;
}

static double
seg_distance (double px, double py, const Pos *p)
{
  double dx = p->x1 - p->x0, dy = p->y1 - p->y0;
  double l2 = dx * dx + dy * dy;
  double t = l2 > 0 ? CLAMP (((px - p->x0) * dx + (py - p->y0) * dy) / l2, 0, 1) : 0;

  return hypot (px - (p->x0 + t * dx), py - (p->y0 + t * dy));
}

int
nrt_cb_canvas_pick_section (NrtCbCanvas *self, double x, double y)
{
  double best = PICK_PX / (self->s > 0 ? self->s : 1);
  int found = -1;

  g_return_val_if_fail (NRT_IS_CB_CANVAS (self), -1);
  for (guint i = 0; i < n_sections (self); i++)
    {
      Pos *p = pos_of (self, i);
      double d, len;

      if (p == NULL)
        continue;
      len = hypot (p->x1 - p->x0, p->y1 - p->y0);
      if (len < CIRCLE_LEN)
        d = MAX (0, hypot (x - (p->x0 + p->x1) / 2, y - (p->y0 + p->y1) / 2) - len / 2);
      else
        d = seg_distance (x, y, p);
      if (d <= best)
        best = d, found = i;
    }
  return found;
}

/* The attachable end nearest (x, y): any section's distal end, or the root's proximal end
 * (NEURON's Make Section rule).  With any_end, every end (Reposition). */
static int
pick_end (NrtCbCanvas *self, double x, double y, gboolean any_end, double *end_x)
{
  double best = PICK_PX / (self->s > 0 ? self->s : 1);
  int found = -1;

  for (guint i = 0; i < n_sections (self); i++)
    {
      Pos *p = pos_of (self, i);
      if (p == NULL)
        continue;
      for (int e = 0; e < 2; e++)
        {
          double d;
          if (e == 0 && !any_end && sec (self, i)->parent >= 0)
            continue;
          d = e ? hypot (x - p->x1, y - p->y1) : hypot (x - p->x0, y - p->y0);
          if (d <= best + 1e-9)
            best = d, found = i, *end_x = e;
        }
    }
  return found;
}

/* ---- the tools -------------------------------------------------------------------- */

static gboolean
make_section (NrtCbCanvas *self, double x0, double y0, double x1, double y1, GError **error)
{
  g_autofree char *name = NULL;
  double end_x = 1, ax, ay, bx, by;
  int parent = -1;
  gboolean ok;

  if (n_sections (self) > 0)
    {
      Pos *pp;
      parent = pick_end (self, x0, y0, FALSE, &end_x);
      if (parent < 0)
        return FALSE;
      pp = pos_of (self, parent);
      ax = end_x ? pp->x1 : pp->x0;
      ay = end_x ? pp->y1 : pp->y0;
    }
  else
    ax = snap (x0), ay = snap (y0);
  bx = snap (x1), by = snap (y1);
  if (hypot (bx - ax, by - ay) < MIN_LEN)
    {
      double dir = 0;
      if (parent >= 0)
        {
          Pos *pp = pos_of (self, parent);
          dir = atan2 (pp->y1 - pp->y0, pp->x1 - pp->x0) + (end_x ? 0 : G_PI);
        }
      bx = ax + MIN_LEN * cos (dir);
      by = ay + MIN_LEN * sin (dir);
    }
  name = new_name (self, self->basename);
  set_pos (self, name, ax, ay, bx, by);
  nrt_model_begin_group (self->model, _("Make Section"));
  ok = nrt_model_add_section (self->model, name, parent >= 0 ? sec (self, parent)->name : NULL,
                              end_x, 100, 500, error) >= 0;
  nrt_model_end_group (self->model);
  return ok;
}

static gboolean
copy_subtree (NrtCbCanvas *self, double x0, double y0, double x1, double y1, GError **error)
{
  g_autoptr(GArray) list = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  double end_x = 1;
  int src = nrt_cb_canvas_pick_section (self, x0, y0);
  int target = pick_end (self, x1, y1, FALSE, &end_x);
  Pos *sp, *tp;
  double dx, dy;
  gboolean ok = TRUE;

  if (src < 0 || target < 0)
    return FALSE;
  if (sec (self, src)->parent < 0)
    {
      /* NEURON copies the root's first child's subtree instead of the root. */
      int child = -1;
      for (guint i = 0; i < n_sections (self) && child < 0; i++)
        if (sec (self, i)->parent == src)
          child = i;
      if (child < 0)
        return FALSE;
      src = child;
    }
  list = subtree (self, src);
  sp = pos_of (self, src);
  tp = pos_of (self, target);
  dx = (end_x ? tp->x1 : tp->x0) - sp->x0;
  dy = (end_x ? tp->y1 : tp->y0) - sp->y0;

  nrt_model_begin_group (self->model, _("Copy Subtree"));
  for (guint k = 0; k < list->len && ok; k++)
    {
      int i = g_array_index (list, int, k);
      const NrtSection *s = sec (self, i);
      g_autofree char *base = base_of (s->name);
      char *name = new_name (self, base);
      const char *parent;
      Pos *p = pos_of (self, i);

      g_ptr_array_add (names, name);
      if (k == 0)
        parent = sec (self, target)->name;
      else
        {
          guint pk = 0;
          while (g_array_index (list, int, pk) != s->parent)
            pk++;
          parent = g_ptr_array_index (names, pk);
        }
      set_pos (self, name, p->x0 + dx, p->y0 + dy, p->x1 + dx, p->y1 + dy);
      ok = nrt_model_add_section (self->model, name, parent, k == 0 ? end_x : s->parent_x,
                                  s->L, s->diam, error) >= 0;
    }
  nrt_model_end_group (self->model);
  return ok;
}

static gboolean
reconnect (NrtCbCanvas *self, double x0, double y0, double x1, double y1, GError **error)
{
  g_autoptr(GArray) list = NULL;
  double end_x = 1;
  int src = nrt_cb_canvas_pick_section (self, x0, y0);
  int target = pick_end (self, x1, y1, FALSE, &end_x);
  Pos *sp, *tp;
  gboolean ok;

  if (src < 0 || target < 0 || sec (self, src)->parent < 0)
    return FALSE;
  if (is_descendant (self, target, src))
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_CYCLE,
                   _("A subtree cannot be connected to itself"));
      return FALSE;
    }
  list = subtree (self, src);
  sp = pos_of (self, src);
  tp = pos_of (self, target);
  translate_sections (self, list, (end_x ? tp->x1 : tp->x0) - sp->x0,
                      (end_x ? tp->y1 : tp->y0) - sp->y0);
  nrt_model_begin_group (self->model, _("Reconnect Subtree"));
  ok = nrt_model_connect_section (self->model, sec (self, src)->name, sec (self, target)->name,
                                  end_x, error);
  nrt_model_end_group (self->model);
  return ok;
}

static void
reposition_to (NrtCbCanvas *self, double x, double y)
{
  int i = self->repo_section ? nrt_model_find_section (self->model, self->repo_section) : -1;
  Pos *p;
  double dx, dy;

  if (i < 0)
    return;
  p = pos_of (self, i);
  x = snap (x), y = snap (y);
  if (self->repo_end == 1)
    {
      g_autoptr(GArray) list = subtree (self, i);
      dx = x - p->x1, dy = y - p->y1;
      g_array_remove_index (list, 0);
      translate_sections (self, list, dx, dy);
      p->x1 = x, p->y1 = y;
    }
  else
    {
      g_autoptr(GArray) list = subtree (self, i);
      translate_sections (self, list, x - p->x0, y - p->y0);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
insert_section (NrtCbCanvas *self, int i, GError **error)
{
  const NrtSection *s = sec (self, i);
  g_autofree char *name = NULL;
  g_autofree char *child = g_strdup (s->name);
  g_autofree char *parent = NULL;
  Pos *p = pos_of (self, i);
  double mx, my;
  gboolean ok;

  if (s->parent < 0)
    return FALSE;
  parent = g_strdup (sec (self, s->parent)->name);
  name = new_name (self, self->basename);
  mx = p->x0 + (p->x1 - p->x0) / 3, my = p->y0 + (p->y1 - p->y0) / 3;
  set_pos (self, name, p->x0, p->y0, mx, my);
  p->x0 = mx, p->y0 = my;
  nrt_model_begin_group (self->model, _("Insert Section"));
  ok = nrt_model_add_section (self->model, name, parent, s->parent_x, 100, 500, error) >= 0
       && nrt_model_connect_section (self->model, child, name, 1, error);
  nrt_model_end_group (self->model);
  return ok;
}

static gboolean
delete_section (NrtCbCanvas *self, int i, GError **error)
{
  const NrtSection *s = sec (self, i);
  g_autofree char *name = g_strdup (s->name);
  g_autofree char *parent = NULL;
  g_autoptr(GPtrArray) children = g_ptr_array_new_with_free_func (g_free);
  double px = s->parent_x;
  gboolean ok = TRUE;

  if (s->parent < 0 && n_sections (self) > 1)
    {
      g_set_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE,
                   _("The root can be deleted only when it is the only section"));
      return FALSE;
    }
  if (s->parent >= 0)
    parent = g_strdup (sec (self, s->parent)->name);
  for (guint c = 0; c < n_sections (self); c++)
    if (sec (self, c)->parent == i)
      g_ptr_array_add (children, g_strdup (sec (self, c)->name));
  nrt_model_begin_group (self->model, _("Delete Section"));
  for (guint c = 0; c < children->len && ok; c++)
    ok = nrt_model_connect_section (self->model, g_ptr_array_index (children, c), parent, px, error);
  if (ok)
    ok = nrt_model_remove_section (self->model, name, error);
  nrt_model_end_group (self->model);
  return ok;
}

static gboolean
delete_subtree (NrtCbCanvas *self, int i, GError **error)
{
  g_autoptr(GArray) list = subtree (self, i);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  gboolean ok = TRUE;

  for (guint k = 0; k < list->len; k++)
    g_ptr_array_add (names, g_strdup (sec (self, g_array_index (list, int, k))->name));
  nrt_model_begin_group (self->model, _("Delete Subtree"));
  for (guint k = names->len; k > 0 && ok; k--)
    ok = nrt_model_remove_section (self->model, g_ptr_array_index (names, k - 1), error);
  nrt_model_end_group (self->model);
  return ok;
}

static void
toggle_selection (NrtCbCanvas *self, int i, gboolean state)
{
  if (state)
    g_hash_table_add (self->selected, g_strdup (sec (self, i)->name));
  else
    g_hash_table_remove (self->selected, sec (self, i)->name);
}

gboolean
nrt_cb_canvas_click (NrtCbCanvas *self, double x, double y, gboolean extend, GError **error)
{
  int i;

  g_return_val_if_fail (NRT_IS_CB_CANVAS (self), FALSE);
  i = nrt_cb_canvas_pick_section (self, x, y);
  if (i < 0)
    {
      if (!extend && self->tool >= NRT_CB_TOOL_SELECT_ONE && self->tool <= NRT_CB_TOOL_SELECT_BASENAME)
        {
          nrt_cb_canvas_select_all (self, FALSE);
        }
      return FALSE;
    }
  switch (self->tool)
    {
    case NRT_CB_TOOL_INSERT:
      return insert_section (self, i, error);
    case NRT_CB_TOOL_DELETE_SECTION:
      return delete_section (self, i, error);
    case NRT_CB_TOOL_DELETE_SUBTREE:
      return delete_subtree (self, i, error);
    case NRT_CB_TOOL_CHANGE_NAME:
      g_signal_emit (self, signals[SIGNAL_RENAME_REQUESTED], 0, sec (self, i)->name);
      return TRUE;
    case NRT_CB_TOOL_SELECT_ONE:
      toggle_selection (self, i, !nrt_cb_canvas_is_selected (self, i));
      break;
    case NRT_CB_TOOL_SELECT_SUBTREE:
      {
        g_autoptr(GArray) list = subtree (self, i);
        gboolean state = !nrt_cb_canvas_is_selected (self, i);
        for (guint k = 0; k < list->len; k++)
          toggle_selection (self, g_array_index (list, int, k), state);
      }
      break;
    case NRT_CB_TOOL_SELECT_BASENAME:
      {
        g_autofree char *base = base_of (sec (self, i)->name);
        gboolean state = !nrt_cb_canvas_is_selected (self, i);
        for (guint j = 0; j < n_sections (self); j++)
          {
            g_autofree char *b = base_of (sec (self, j)->name);
            if (strcmp (b, base) == 0)
              toggle_selection (self, j, state);
          }
      }
      break;
    default:
      return FALSE;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0);
  return TRUE;
}

gboolean
nrt_cb_canvas_drag (NrtCbCanvas *self, double x0, double y0, double x1, double y1, GError **error)
{
  g_return_val_if_fail (NRT_IS_CB_CANVAS (self), FALSE);
  switch (self->tool)
    {
    case NRT_CB_TOOL_MAKE_SECTION:
      return make_section (self, x0, y0, x1, y1, error);
    case NRT_CB_TOOL_COPY_SUBTREE:
      return copy_subtree (self, x0, y0, x1, y1, error);
    case NRT_CB_TOOL_RECONNECT:
      return reconnect (self, x0, y0, x1, y1, error);
    case NRT_CB_TOOL_REPOSITION:
      {
        double e = 1;
        int i = pick_end (self, x0, y0, TRUE, &e);
        if (i < 0)
          return FALSE;
        g_free (self->repo_section);
        self->repo_section = g_strdup (sec (self, i)->name);
        self->repo_end = (int) e;
        reposition_to (self, x1, y1);
        g_clear_pointer (&self->repo_section, g_free);
        return TRUE;
      }
    default:
      return nrt_cb_canvas_click (self, x1, y1, FALSE, error);
    }
}

/* ---- gestures --------------------------------------------------------------------- */

static void
report (NrtCbCanvas *self, GError *error)
{
  if (error != NULL)
    g_signal_emit (self, signals[SIGNAL_ERROR], 0, error->message);
}

static void
on_drag_begin (GtkGestureDrag *gesture, double x, double y, NrtCbCanvas *self)
{
  update_transform (self);
  self->frozen = TRUE;
  self->dragging = TRUE;
  to_units (self, x, y, &self->ux0, &self->uy0);
  self->ux1 = self->ux0, self->uy1 = self->uy0;
  if (self->tool == NRT_CB_TOOL_REPOSITION)
    {
      double e = 1;
      int i = pick_end (self, self->ux0, self->uy0, TRUE, &e);
      g_free (self->repo_section);
      self->repo_section = i >= 0 ? g_strdup (sec (self, i)->name) : NULL;
      self->repo_end = (int) e;
    }
}

static void
on_drag_update (GtkGestureDrag *gesture, double dx, double dy, NrtCbCanvas *self)
{
  double sx, sy;

  gtk_gesture_drag_get_start_point (gesture, &sx, &sy);
  to_units (self, sx + dx, sy + dy, &self->ux1, &self->uy1);
  if (self->tool == NRT_CB_TOOL_REPOSITION)
    reposition_to (self, self->ux1, self->uy1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_end (GtkGestureDrag *gesture, double dx, double dy, NrtCbCanvas *self)
{
  g_autoptr(GError) error = NULL;
  gboolean is_click = hypot (dx, dy) < 4;
  GdkModifierType mods = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));

  self->dragging = FALSE;
  self->frozen = FALSE;
  if (self->tool == NRT_CB_TOOL_REPOSITION)
    g_clear_pointer (&self->repo_section, g_free);
  else if (is_click && self->tool >= NRT_CB_TOOL_INSERT)
    nrt_cb_canvas_click (self, self->ux0, self->uy0, (mods & GDK_SHIFT_MASK) != 0, &error);
  else if (self->tool < NRT_CB_TOOL_INSERT)
    nrt_cb_canvas_drag (self, self->ux0, self->uy0, self->ux1, self->uy1, &error);
  report (self, error);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_motion (GtkEventControllerMotion *motion, double x, double y, NrtCbCanvas *self)
{
  to_units (self, x, y, &self->hover_x, &self->hover_y);
  self->hovering = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *motion, NrtCbCanvas *self)
{
  self->hovering = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- drawing ---------------------------------------------------------------------- */

static gboolean
highlighted (NrtCbCanvas *self, int i)
{
  int sub;

  if (self->highlight == NULL)
    return FALSE;
  if (strcmp (self->highlight, sec (self, i)->name) == 0)
    return TRUE;
  sub = nrt_model_find_subset (self->model, self->highlight);
  if (sub == 0)
    return TRUE;
  if (sub > 0)
    {
      const NrtSubset *ss = g_ptr_array_index (nrt_model_get_data (self->model)->subsets, sub);
      for (guint k = 0; k < ss->members->len; k++)
        if (g_array_index (ss->members, int, k) == i)
          return TRUE;
    }
  return FALSE;
}

static void
set_rgba (cairo_t *cr, const GdkRGBA *c, double alpha)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha * alpha);
}

static void
nrt_cb_canvas_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  NrtCbCanvas *self = NRT_CB_CANVAS (widget);
  GtkStyleContext *ctx = gtk_widget_get_style_context (widget);
  double w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, NULL);
  GdkRGBA fg, accent, sel;
  cairo_t *cr;
  int hover_sec = -1, hover_end = -1;
  double hover_e = 1;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (ctx, &fg);
  if (!gtk_style_context_lookup_color (ctx, "accent_color", &accent))
    accent = (GdkRGBA) { 0.21f, 0.52f, 0.89f, 1.0f };
  if (!gtk_style_context_lookup_color (ctx, "destructive_color", &sel))
    sel = (GdkRGBA) { 0.88f, 0.11f, 0.14f, 1.0f };
  G_GNUC_END_IGNORE_DEPRECATIONS

  ensure_layout (self);
  update_transform (self);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));

  /* the 15-unit grid, as dots */
  {
    double step = NRT_CB_GRID * self->s;
    double x0, y0;
    while (step < 12)
      step *= 2;
    x0 = fmod (self->ox, step), y0 = fmod (self->oy, step);
    set_rgba (cr, &fg, 0.14);
    for (double x = x0; x < w; x += step)
      for (double y = y0; y < h; y += step)
        cairo_rectangle (cr, floor (x) - 0.75, floor (y) - 0.75, 1.5, 1.5);
    cairo_fill (cr);
  }

  if (self->hovering && !self->dragging)
    {
      if (self->tool == NRT_CB_TOOL_MAKE_SECTION || self->tool == NRT_CB_TOOL_REPOSITION)
        hover_end = pick_end (self, self->hover_x, self->hover_y,
                              self->tool == NRT_CB_TOOL_REPOSITION, &hover_e);
      else if (self->tool != NRT_CB_TOOL_NONE)
        hover_sec = nrt_cb_canvas_pick_section (self, self->hover_x, self->hover_y);
    }

  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint i = 0; i < n_sections (self); i++)
    {
      Pos *p = pos_of (self, i);
      double x0, y0, x1, y1, len;
      gboolean on = nrt_cb_canvas_is_selected (self, i) || highlighted (self, i);

      if (p == NULL)
        continue;
      x0 = self->ox + self->s * p->x0, y0 = self->oy - self->s * p->y0;
      x1 = self->ox + self->s * p->x1, y1 = self->oy - self->s * p->y1;
      len = hypot (p->x1 - p->x0, p->y1 - p->y0);
      if (on)
        set_rgba (cr, &sel, 1);
      else if ((int) i == hover_sec)
        set_rgba (cr, &accent, 1);
      else
        set_rgba (cr, &fg, 0.85);
      cairo_set_line_width (cr, (int) i == hover_sec || on ? 4 : 3);
      if (len < CIRCLE_LEN)
        {
          cairo_new_sub_path (cr);
          cairo_arc (cr, (x0 + x1) / 2, (y0 + y1) / 2, MAX (3, self->s * len / 2), 0, 2 * G_PI);
          cairo_stroke (cr);
        }
      else
        {
          cairo_move_to (cr, x0, y0);
          cairo_line_to (cr, x1, y1);
          cairo_stroke (cr);
        }
    }

  /* attachable ends in Make Section mode */
  if (self->tool == NRT_CB_TOOL_MAKE_SECTION || self->tool == NRT_CB_TOOL_REPOSITION
      || self->tool == NRT_CB_TOOL_COPY_SUBTREE || self->tool == NRT_CB_TOOL_RECONNECT)
    for (guint i = 0; i < n_sections (self); i++)
      {
        Pos *p = pos_of (self, i);
        for (int e = 0; p != NULL && e < 2; e++)
          {
            gboolean hot = (int) i == hover_end && (int) hover_e == e;
            if (e == 0 && sec (self, i)->parent >= 0)
              continue;
            set_rgba (cr, &accent, 1);
            cairo_new_sub_path (cr);
            cairo_arc (cr, self->ox + self->s * (e ? p->x1 : p->x0),
                       self->oy - self->s * (e ? p->y1 : p->y0), hot ? 6 : 3.5, 0, 2 * G_PI);
            cairo_fill (cr);
          }
      }

  /* labels */
  for (guint i = 0; i < n_sections (self); i++)
    {
      Pos *p = pos_of (self, i);
      int tw, th;
      double mx, my, nx, ny, len;

      if (p == NULL)
        continue;
      pango_layout_set_text (layout, sec (self, i)->name, -1);
      pango_layout_get_pixel_size (layout, &tw, &th);
      mx = self->ox + self->s * (p->x0 + p->x1) / 2;
      my = self->oy - self->s * (p->y0 + p->y1) / 2;
      len = hypot (p->x1 - p->x0, p->y1 - p->y0);
      nx = len > 0 ? -(p->y1 - p->y0) / len : 0;
      ny = len > 0 ? -(p->x1 - p->x0) / len : 1;
      if (ny > 0)
        nx = -nx, ny = -ny;
      if (len < CIRCLE_LEN)
        nx = 0, ny = -1, my -= self->s * len / 2;
      set_rgba (cr, nrt_cb_canvas_is_selected (self, i) || highlighted (self, i) ? &sel : &fg, 0.9);
      cairo_move_to (cr, mx + nx * (th * 0.8) - tw / 2.0, my + ny * (th * 0.8) - th / 2.0);
      pango_cairo_show_layout (cr, layout);
    }

  /* the drag in progress */
  if (self->dragging && self->tool < NRT_CB_TOOL_REPOSITION)
    {
      double bx = self->tool == NRT_CB_TOOL_MAKE_SECTION ? snap (self->ux1) : self->ux1;
      double by = self->tool == NRT_CB_TOOL_MAKE_SECTION ? snap (self->uy1) : self->uy1;
      const double dash[] = { 6, 4 };
      set_rgba (cr, &accent, 1);
      cairo_set_line_width (cr, 2);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_move_to (cr, self->ox + self->s * self->ux0, self->oy - self->s * self->uy0);
      cairo_line_to (cr, self->ox + self->s * bx, self->oy - self->s * by);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      cairo_arc (cr, self->ox + self->s * bx, self->oy - self->s * by, 4, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  cairo_destroy (cr);
}

/* ---- object ----------------------------------------------------------------------- */

static void
on_model_changed (NrtModel *model, gpointer change, NrtCbCanvas *self)
{
  /* drop selected names that no longer exist */
  GHashTableIter it;
  gpointer key;

  g_hash_table_iter_init (&it, self->selected);
  while (g_hash_table_iter_next (&it, &key, NULL))
    if (nrt_model_find_section (self->model, key) < 0)
      g_hash_table_iter_remove (&it);
  ensure_layout (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
nrt_cb_canvas_dispose (GObject *object)
{
  NrtCbCanvas *self = NRT_CB_CANVAS (object);

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
  G_OBJECT_CLASS (nrt_cb_canvas_parent_class)->dispose (object);
}

static void
nrt_cb_canvas_finalize (GObject *object)
{
  NrtCbCanvas *self = NRT_CB_CANVAS (object);

  g_hash_table_unref (self->pos);
  g_hash_table_unref (self->selected);
  g_free (self->highlight);
  g_free (self->basename);
  g_free (self->repo_section);
  G_OBJECT_CLASS (nrt_cb_canvas_parent_class)->finalize (object);
}

static void
nrt_cb_canvas_class_init (NrtCbCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nrt_cb_canvas_dispose;
  object_class->finalize = nrt_cb_canvas_finalize;
  widget_class->snapshot = nrt_cb_canvas_snapshot;
  gtk_widget_class_set_css_name (widget_class, "cbcanvas");

  signals[SIGNAL_SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_RENAME_REQUESTED] =
    g_signal_new ("rename-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
nrt_cb_canvas_init (NrtCbCanvas *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->pos = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->selected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->basename = g_strdup ("dend");
  self->s = 2;
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
}

GtkWidget *
nrt_cb_canvas_new (NrtModel *model)
{
  NrtCbCanvas *self;

  g_return_val_if_fail (NRT_IS_MODEL (model), NULL);
  self = g_object_new (NRT_TYPE_CB_CANVAS, NULL);
  self->model = g_object_ref (model);
  g_signal_connect (model, "changed", G_CALLBACK (on_model_changed), self);
  ensure_layout (self);
  return GTK_WIDGET (self);
}

void
nrt_cb_canvas_set_tool (NrtCbCanvas *self, NrtCbTool tool)
{
  g_return_if_fail (NRT_IS_CB_CANVAS (self));
  self->tool = tool;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self),
                                   tool == NRT_CB_TOOL_NONE ? NULL
                                   : tool < NRT_CB_TOOL_INSERT ? "crosshair" : "pointer");
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

NrtCbTool
nrt_cb_canvas_get_tool (NrtCbCanvas *self)
{
  g_return_val_if_fail (NRT_IS_CB_CANVAS (self), NRT_CB_TOOL_NONE);
  return self->tool;
}

void
nrt_cb_canvas_set_basename (NrtCbCanvas *self, const char *basename)
{
  g_return_if_fail (NRT_IS_CB_CANVAS (self));
  g_return_if_fail (basename != NULL);
  g_free (self->basename);
  self->basename = g_strdup (basename);
}

const char *
nrt_cb_canvas_get_basename (NrtCbCanvas *self)
{
  g_return_val_if_fail (NRT_IS_CB_CANVAS (self), NULL);
  return self->basename;
}

gboolean
nrt_cb_canvas_is_selected (NrtCbCanvas *self, int section)
{
  g_return_val_if_fail (NRT_IS_CB_CANVAS (self), FALSE);
  if (section < 0 || (guint) section >= n_sections (self))
    return FALSE;
  return g_hash_table_contains (self->selected, sec (self, section)->name);
}

void
nrt_cb_canvas_set_selected (NrtCbCanvas *self, int section, gboolean selected)
{
  g_return_if_fail (NRT_IS_CB_CANVAS (self));
  if (section < 0 || (guint) section >= n_sections (self))
    return;
  toggle_selection (self, section, selected);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0);
}

void
nrt_cb_canvas_select_all (NrtCbCanvas *self, gboolean selected)
{
  g_return_if_fail (NRT_IS_CB_CANVAS (self));
  for (guint i = 0; i < n_sections (self); i++)
    toggle_selection (self, i, selected);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0);
}

void
nrt_cb_canvas_select_xor (NrtCbCanvas *self)
{
  g_return_if_fail (NRT_IS_CB_CANVAS (self));
  for (guint i = 0; i < n_sections (self); i++)
    toggle_selection (self, i, !nrt_cb_canvas_is_selected (self, i));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0);
}

void
nrt_cb_canvas_set_highlight (NrtCbCanvas *self, const char *target)
{
  g_return_if_fail (NRT_IS_CB_CANVAS (self));
  g_free (self->highlight);
  self->highlight = g_strdup (target);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
nrt_cb_canvas_get_position (NrtCbCanvas *self, const char *section,
                            double *x0, double *y0, double *x1, double *y1)
{
  Pos *p;

  g_return_val_if_fail (NRT_IS_CB_CANVAS (self), FALSE);
  ensure_layout (self);
  p = g_hash_table_lookup (self->pos, section);
  if (p == NULL)
    return FALSE;
  *x0 = p->x0, *y0 = p->y0, *x1 = p->x1, *y1 = p->y1;
  return TRUE;
}

/* Used by Change Name: the position follows the name. */
gboolean
nrt_cb_canvas_rename (NrtCbCanvas *self, const char *name, const char *new_name_, GError **error)
{
  Pos *p = g_hash_table_lookup (self->pos, name);
  gboolean was_selected = g_hash_table_contains (self->selected, name);
  gboolean ok;

  if (p != NULL)
    set_pos (self, new_name_, p->x0, p->y0, p->x1, p->y1);
  nrt_model_begin_group (self->model, _("Change Name"));
  ok = nrt_model_rename_section (self->model, name, new_name_, error);
  nrt_model_end_group (self->model);
  if (ok && was_selected)
    g_hash_table_add (self->selected, g_strdup (new_name_));
  return ok;
}
