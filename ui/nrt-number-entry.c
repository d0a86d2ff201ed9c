/* nrt-number-entry.c: a labelled numeric field with units, validation, stepping and reset.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrt-ui-config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "nrt-number-entry.h"

struct _NrtNumberEntry
{
  GtkWidget parent_instance;

  GtkWidget *label;
  GtkWidget *entry;
  GtkWidget *reset;

  double     value;
  double     default_value;
  double     minimum;
  double     maximum;
  double     step;
  guint      digits;
  char      *error;          /* reason for the last refusal, or NULL */

  guint      exclusive_minimum : 1;
  guint      editable : 1;
  guint      updating : 1;   /* setting the text ourselves */
  guint      emitting : 1;
  guint      rejected : 1;   /* reject() or set_value() during ::value-committed */
  guint      value_set : 1;
};

G_DEFINE_FINAL_TYPE (NrtNumberEntry, nrt_number_entry, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LABEL,
  PROP_VALUE,
  PROP_DEFAULT_VALUE,
  PROP_MINIMUM,
  PROP_MAXIMUM,
  PROP_STEP,
  PROP_EDITABLE,
  N_PROPS
};

enum {
  VALUE_COMMITTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---- formatting and parsing ---- */

/* The shortest text (up to digits significant digits) that reads back as value, without an
 * exponent for ordinary magnitudes: "0.025", "-65", "600000". */
static char *
format_value (double value,
              guint  digits)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char fmt[16];
  guint p;

  if (!isfinite (value))
    return g_strdup (isnan (value) ? "nan" : (value > 0 ? "inf" : "-inf"));
  if (value == 0.0)
    return g_strdup ("0");

  for (p = 1; p < digits; p++)
    {
      g_snprintf (fmt, sizeof fmt, "%%.%ug", p);
      g_ascii_formatd (buf, sizeof buf, fmt, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }

  if (fabs (value) >= 1e-4 && fabs (value) < 1e15)
    {
      int exponent = (int) floor (log10 (fabs (value)));
      int decimals = MAX (0, (int) p - 1 - exponent);

      g_snprintf (fmt, sizeof fmt, "%%.%df", decimals);
      g_ascii_formatd (buf, sizeof buf, fmt, value);
      /* Drop trailing zeros a rounding of the log may have left. */
      if (strchr (buf, '.') != NULL)
        {
          char *end = buf + strlen (buf) - 1;
          while (*end == '0')
            *end-- = '\0';
          if (*end == '.')
            *end = '\0';
        }
      return g_strdup (buf);
    }

  g_snprintf (fmt, sizeof fmt, "%%.%ug", p);
  g_ascii_formatd (buf, sizeof buf, fmt, value);
  return g_strdup (buf);
}

gboolean
nrt_number_parse (const char *text,
                  double     *value)
{
  g_autofree char *copy = NULL;
  char *end = NULL;
  char *comma;
  double v;

  g_return_val_if_fail (value != NULL, FALSE);

  if (text == NULL)
    return FALSE;

  copy = g_strstrip (g_strdup (text));
  if (*copy == '\0')
    return FALSE;

  /* A lone comma is a decimal comma ("0,025"), whatever the locale. */
  comma = strchr (copy, ',');
  if (comma != NULL && strchr (copy, '.') == NULL && strchr (comma + 1, ',') == NULL)
    *comma = '.';

  /* g_ascii_strtod accepts "nan", "inf" and hexadecimal; a field wants plain decimals. */
  for (const char *c = copy; *c != '\0'; c++)
    if (!g_ascii_isdigit (*c) && strchr ("+-.eE", *c) == NULL)
      return FALSE;

  v = g_ascii_strtod (copy, &end);
  if (end == copy || *end != '\0' || !isfinite (v))
    return FALSE;

  *value = v;
  return TRUE;
}

/* ---- state ---- */

static void
nrt_number_entry_set_text (NrtNumberEntry *self,
                           double          value)
{
  g_autofree char *text = format_value (value, self->digits);

  self->updating = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  self->updating = FALSE;
}

static void
nrt_number_entry_update_reset (NrtNumberEntry *self)
{
  gboolean differs = self->value != self->default_value && isfinite (self->default_value);
  g_autofree char *default_text = format_value (self->default_value, self->digits);
  g_autofree char *tooltip = NULL;

  /* The button keeps its place when hidden, so fields stay aligned in a column and do not
   * jump sideways as the value leaves or reaches its default. */
  gtk_widget_set_opacity (self->reset, self->editable && differs ? 1.0 : 0.0);
  gtk_widget_set_sensitive (self->reset, self->editable && differs);
  gtk_widget_set_can_target (self->reset, self->editable && differs);
  /* Translators: %s is a number, the field's default value */
  tooltip = g_strdup_printf (_("Reset to the default, %s"), default_text);
  gtk_widget_set_tooltip_text (self->reset, tooltip);
}

static void
nrt_number_entry_clear_error (NrtNumberEntry *self)
{
  if (self->error == NULL)
    return;

  g_clear_pointer (&self->error, g_free);
  gtk_widget_remove_css_class (self->entry, "error");
  gtk_widget_set_tooltip_text (self->entry, NULL);
}

static void
nrt_number_entry_show_error (NrtNumberEntry *self,
                             const char     *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_widget_add_css_class (self->entry, "error");
  gtk_widget_set_tooltip_text (self->entry, message);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->entry),
                               GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE, -1);
}

/* NULL when value is inside the domain, else the reason (transfer full). */
static char *
nrt_number_entry_check (NrtNumberEntry *self,
                        double          value)
{
  g_autofree char *min_text = format_value (self->minimum, self->digits);
  g_autofree char *max_text = format_value (self->maximum, self->digits);

  if (self->exclusive_minimum && !(value > self->minimum))
    /* Translators: %s is a number */
    return g_strdup_printf (_("Must be greater than %s"), min_text);
  if (value < self->minimum)
    /* Translators: %s is a number */
    return g_strdup_printf (_("Must be at least %s"), min_text);
  if (value > self->maximum)
    /* Translators: %s is a number */
    return g_strdup_printf (_("Must be at most %s"), max_text);
  return NULL;
}

/* Emits ::value-committed for value (already valid) and settles the field. */
static void
nrt_number_entry_commit (NrtNumberEntry *self,
                         double          value)
{
  gboolean same = value == self->value;

  nrt_number_entry_clear_error (self);
  if (same)
    {
      nrt_number_entry_set_text (self, value);
      return;
    }

  self->emitting = TRUE;
  self->rejected = FALSE;
  self->value_set = FALSE;
  g_object_ref (self);
  g_signal_emit (self, signals[VALUE_COMMITTED], 0, value);
  self->emitting = FALSE;

  /* Unless the owner rejected it or showed something else (the model's normalised value),
   * the committed value is now the field's. */
  if (!self->rejected && !self->value_set)
    {
      self->value = value;
      nrt_number_entry_set_text (self, value);
      nrt_number_entry_update_reset (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE]);
    }
  g_object_unref (self);
}

gboolean
nrt_number_entry_commit_text (NrtNumberEntry *self,
                              const char     *text)
{
  g_autofree char *reason = NULL;
  double value;

  g_return_val_if_fail (NRT_IS_NUMBER_ENTRY (self), FALSE);

  if (!self->editable)
    return FALSE;

  if (text != gtk_editable_get_text (GTK_EDITABLE (self->entry)))
    {
      self->updating = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
      self->updating = FALSE;
    }

  if (!nrt_number_parse (text, &value))
    {
      nrt_number_entry_show_error (self, _("Not a number: type a finite decimal number, "
                                           "such as 0.025 or -65"));
      return FALSE;
    }

  reason = nrt_number_entry_check (self, value);
  if (reason != NULL)
    {
      nrt_number_entry_show_error (self, reason);
      return FALSE;
    }

  nrt_number_entry_commit (self, value);
  return TRUE;
}

static void
nrt_number_entry_step_by (NrtNumberEntry *self,
                          double          n_steps)
{
  double value;

  if (!self->editable)
    return;

  /* Step from what is typed when it is valid, else from the value. */
  if (!nrt_number_parse (gtk_editable_get_text (GTK_EDITABLE (self->entry)), &value))
    value = self->value;

  value += n_steps * self->step;
  /* Round to the step's grid to avoid 0.30000000000000004. */
  value = round (value / self->step * 1e9) / 1e9 * self->step;
  if (fabs (value) < 1e-12 * self->step)
    value = 0.0;
  value = CLAMP (value, self->minimum, self->maximum);
  if (self->exclusive_minimum && value <= self->minimum)
    return;

  nrt_number_entry_commit (self, value);
}

/* ---- event handlers ---- */

static void
on_activate (GtkEntry       *entry,
             NrtNumberEntry *self)
{
  nrt_number_entry_commit_text (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
on_changed (GtkEditable    *editable,
            NrtNumberEntry *self)
{
  double value;

  if (self->updating)
    return;

  /* Say at once when the text cannot be a number; range errors wait for the commit. */
  if (nrt_number_parse (gtk_editable_get_text (editable), &value)
      || *gtk_editable_get_text (editable) == '\0'
      || g_strcmp0 (gtk_editable_get_text (editable), "-") == 0)
    nrt_number_entry_clear_error (self);
  else
    nrt_number_entry_show_error (self, _("Not a number: type a finite decimal number, "
                                         "such as 0.025 or -65"));
}

static void
on_focus_leave (GtkEventControllerFocus *controller,
                NrtNumberEntry          *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  g_autofree char *shown = format_value (self->value, self->digits);

  /* Only commit what the user changed. */
  if (self->editable && g_strcmp0 (text, shown) != 0)
    nrt_number_entry_commit_text (self, text);
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                NrtNumberEntry        *self)
{
  switch (keyval)
    {
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      nrt_number_entry_step_by (self, 1);
      return TRUE;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      nrt_number_entry_step_by (self, -1);
      return TRUE;
    case GDK_KEY_Page_Up:
    case GDK_KEY_KP_Page_Up:
      nrt_number_entry_step_by (self, 10);
      return TRUE;
    case GDK_KEY_Page_Down:
    case GDK_KEY_KP_Page_Down:
      nrt_number_entry_step_by (self, -10);
      return TRUE;
    case GDK_KEY_Escape:
      if (self->error != NULL)
        {
          nrt_number_entry_clear_error (self);
          nrt_number_entry_set_text (self, self->value);
          return TRUE;
        }
      return FALSE;
    default:
      return FALSE;
    }
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           NrtNumberEntry           *self)
{
  if (!self->editable || dy == 0.0)
    return FALSE;

  nrt_number_entry_step_by (self, dy < 0 ? 1 : -1);
  return TRUE;
}

static void
on_reset_clicked (GtkButton      *button,
                  NrtNumberEntry *self)
{
  nrt_number_entry_commit (self, self->default_value);
}

/* ---- GObject ---- */

static void
nrt_number_entry_dispose (GObject *object)
{
  NrtNumberEntry *self = NRT_NUMBER_ENTRY (object);

  g_clear_pointer (&self->label, gtk_widget_unparent);
  g_clear_pointer (&self->entry, gtk_widget_unparent);
  g_clear_pointer (&self->reset, gtk_widget_unparent);

  G_OBJECT_CLASS (nrt_number_entry_parent_class)->dispose (object);
}

static void
nrt_number_entry_finalize (GObject *object)
{
  NrtNumberEntry *self = NRT_NUMBER_ENTRY (object);

  g_free (self->error);

  G_OBJECT_CLASS (nrt_number_entry_parent_class)->finalize (object);
}

static void
nrt_number_entry_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  NrtNumberEntry *self = NRT_NUMBER_ENTRY (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      g_value_set_string (value, nrt_number_entry_get_label (self));
      break;
    case PROP_VALUE:
      g_value_set_double (value, self->value);
      break;
    case PROP_DEFAULT_VALUE:
      g_value_set_double (value, self->default_value);
      break;
    case PROP_MINIMUM:
      g_value_set_double (value, self->minimum);
      break;
    case PROP_MAXIMUM:
      g_value_set_double (value, self->maximum);
      break;
    case PROP_STEP:
      g_value_set_double (value, self->step);
      break;
    case PROP_EDITABLE:
      g_value_set_boolean (value, self->editable);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nrt_number_entry_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  NrtNumberEntry *self = NRT_NUMBER_ENTRY (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      nrt_number_entry_set_label (self, g_value_get_string (value));
      break;
    case PROP_VALUE:
      nrt_number_entry_set_value (self, g_value_get_double (value));
      break;
    case PROP_DEFAULT_VALUE:
      nrt_number_entry_set_default (self, g_value_get_double (value));
      break;
    case PROP_MINIMUM:
      nrt_number_entry_set_range (self, g_value_get_double (value), self->maximum,
                                  self->exclusive_minimum);
      break;
    case PROP_MAXIMUM:
      nrt_number_entry_set_range (self, self->minimum, g_value_get_double (value),
                                  self->exclusive_minimum);
      break;
    case PROP_STEP:
      nrt_number_entry_set_step (self, g_value_get_double (value));
      break;
    case PROP_EDITABLE:
      nrt_number_entry_set_editable (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nrt_number_entry_class_init (NrtNumberEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nrt_number_entry_dispose;
  object_class->finalize = nrt_number_entry_finalize;
  object_class->get_property = nrt_number_entry_get_property;
  object_class->set_property = nrt_number_entry_set_property;

  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VALUE] =
    g_param_spec_double ("value", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEFAULT_VALUE] =
    g_param_spec_double ("default-value", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MINIMUM] =
    g_param_spec_double ("minimum", NULL, NULL, -INFINITY, INFINITY, -INFINITY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAXIMUM] =
    g_param_spec_double ("maximum", NULL, NULL, -INFINITY, INFINITY, INFINITY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STEP] =
    g_param_spec_double ("step", NULL, NULL, 0.0, G_MAXDOUBLE, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EDITABLE] =
    g_param_spec_boolean ("editable", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * NrtNumberEntry::value-committed:
   * @value: the new, valid value
   *
   * Enter, focus-out, a step or the reset button committed a value different from the
   * field's.  Call the model; on failure call nrt_number_entry_reject().
   */
  signals[VALUE_COMMITTED] =
    g_signal_new ("value-committed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_DOUBLE);

  gtk_widget_class_set_css_name (widget_class, "numberentry");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
nrt_number_entry_init (NrtNumberEntry *self)
{
  GtkEventController *controller;
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  self->minimum = -INFINITY;
  self->maximum = INFINITY;
  self->step = 1.0;
  self->digits = 10;
  self->editable = TRUE;

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 6);

  self->label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->label), 0.0f);
  gtk_widget_set_hexpand (self->label, TRUE);
  gtk_widget_set_visible (self->label, FALSE);
  gtk_widget_set_parent (self->label, GTK_WIDGET (self));

  self->entry = gtk_entry_new ();
  gtk_editable_set_width_chars (GTK_EDITABLE (self->entry), 8);
  gtk_editable_set_alignment (GTK_EDITABLE (self->entry), 1.0f);
  gtk_entry_set_input_purpose (GTK_ENTRY (self->entry), GTK_INPUT_PURPOSE_NUMBER);
  gtk_widget_add_css_class (self->entry, "numeric");
  gtk_widget_set_valign (self->entry, GTK_ALIGN_CENTER);
  gtk_widget_set_parent (self->entry, GTK_WIDGET (self));
  g_signal_connect (self->entry, "activate", G_CALLBACK (on_activate), self);
  g_signal_connect (self->entry, "changed", G_CALLBACK (on_changed), self);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "leave", G_CALLBACK (on_focus_leave), self);
  gtk_widget_add_controller (self->entry, controller);

  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (self->entry, controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL
                                                | GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (self->entry, controller);

  self->reset = gtk_button_new_from_icon_name ("edit-undo-symbolic");
  gtk_widget_add_css_class (self->reset, "flat");
  gtk_widget_add_css_class (self->reset, "circular");
  gtk_widget_add_css_class (self->reset, "reset");
  gtk_widget_set_valign (self->reset, GTK_ALIGN_CENTER);
  gtk_widget_set_focus_on_click (self->reset, FALSE);
  gtk_widget_set_parent (self->reset, GTK_WIDGET (self));
  g_signal_connect (self->reset, "clicked", G_CALLBACK (on_reset_clicked), self);

  gtk_widget_add_css_class (GTK_WIDGET (self), "numeric");
  nrt_number_entry_set_text (self, self->value);
  nrt_number_entry_update_reset (self);
}

/* ---- public API ---- */

GtkWidget *
nrt_number_entry_new (const char *label,
                      double      value,
                      double      default_value)
{
  return g_object_new (NRT_TYPE_NUMBER_ENTRY,
                       "label", label,
                       "default-value", default_value,
                       "value", value,
                       NULL);
}

void
nrt_number_entry_set_label (NrtNumberEntry *self,
                            const char     *label)
{
  g_return_if_fail (NRT_IS_NUMBER_ENTRY (self));

  if (g_strcmp0 (label, nrt_number_entry_get_label (self)) == 0)
    return;

  gtk_label_set_text (GTK_LABEL (self->label), label != NULL ? label : "");
  gtk_widget_set_visible (self->label, label != NULL && *label != '\0');
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label != NULL ? label : "",
                                  -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
}

const char *
nrt_number_entry_get_label (NrtNumberEntry *self)
{
  g_return_val_if_fail (NRT_IS_NUMBER_ENTRY (self), NULL);

  if (!gtk_widget_get_visible (self->label))
    return NULL;
  return gtk_label_get_text (GTK_LABEL (self->label));
}

double
nrt_number_entry_get_value (NrtNumberEntry *self)
{
  g_return_val_if_fail (NRT_IS_NUMBER_ENTRY (self), 0.0);

  return self->value;
}

void
nrt_number_entry_set_value (NrtNumberEntry *self,
                            double          value)
{
  g_return_if_fail (NRT_IS_NUMBER_ENTRY (self));

  if (self->emitting)
    self->value_set = TRUE;

  /* The same value again (the owner refreshing every field on any model change) keeps what
   * the user is typing and any reason shown. */
  if (value == self->value)
    {
      g_autofree char *shown = format_value (value, self->digits);
      if (self->error != NULL
          || g_strcmp0 (shown, gtk_editable_get_text (GTK_EDITABLE (self->entry))) == 0
          || (gtk_widget_get_state_flags (self->entry) & GTK_STATE_FLAG_FOCUS_WITHIN))
        return;
    }

  nrt_number_entry_clear_error (self);
  self->value = value;
  nrt_number_entry_set_text (self, value);
  nrt_number_entry_update_reset (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALUE]);
}

double
nrt_number_entry_get_default (NrtNumberEntry *self)
{
  g_return_val_if_fail (NRT_IS_NUMBER_ENTRY (self), 0.0);

  return self->default_value;
}

void
nrt_number_entry_set_default (NrtNumberEntry *self,
                              double          default_value)
{
  g_return_if_fail (NRT_IS_NUMBER_ENTRY (self));

  self->default_value = default_value;
  nrt_number_entry_update_reset (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEFAULT_VALUE]);
}

void
nrt_number_entry_set_range (NrtNumberEntry *self,
                            double          minimum,
                            double          maximum,
                            gboolean        exclusive_minimum)
{
  g_return_if_fail (NRT_IS_NUMBER_ENTRY (self));
  g_return_if_fail (!(minimum > maximum));

  self->minimum = minimum;
  self->maximum = maximum;
  self->exclusive_minimum = !!exclusive_minimum;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MINIMUM]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAXIMUM]);
}

void
nrt_number_entry_set_step (NrtNumberEntry *self,
                           double          step)
{
  g_return_if_fail (NRT_IS_NUMBER_ENTRY (self));
  g_return_if_fail (step > 0.0 && isfinite (step));

  self->step = step;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
}

void
nrt_number_entry_set_editable (NrtNumberEntry *self,
                               gboolean        editable)
{
  g_return_if_fail (NRT_IS_NUMBER_ENTRY (self));

  editable = !!editable;
  if (self->editable == (guint) editable)
    return;

  self->editable = editable;
  gtk_editable_set_editable (GTK_EDITABLE (self->entry), editable);
  gtk_widget_set_can_focus (self->entry, editable);
  if (editable)
    gtk_widget_remove_css_class (GTK_WIDGET (self), "read-only");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self), "read-only");
  nrt_number_entry_update_reset (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITABLE]);
}

void
nrt_number_entry_set_digits (NrtNumberEntry *self,
                             guint           digits)
{
  g_return_if_fail (NRT_IS_NUMBER_ENTRY (self));

  self->digits = CLAMP (digits, 1, 17);
  nrt_number_entry_set_text (self, self->value);
}

void
nrt_number_entry_set_width_chars (NrtNumberEntry *self,
                                  int             n_chars)
{
  g_return_if_fail (NRT_IS_NUMBER_ENTRY (self));

  gtk_editable_set_width_chars (GTK_EDITABLE (self->entry), n_chars);
}

void
nrt_number_entry_reject (NrtNumberEntry *self,
                         const char     *message)
{
  g_return_if_fail (NRT_IS_NUMBER_ENTRY (self));

  if (self->emitting)
    self->rejected = TRUE;
  nrt_number_entry_set_text (self, self->value);
  nrt_number_entry_show_error (self, message != NULL ? message : _("The value was refused"));
}

const char *
nrt_number_entry_get_error (NrtNumberEntry *self)
{
  g_return_val_if_fail (NRT_IS_NUMBER_ENTRY (self), NULL);

  return self->error;
}

GtkEditable *
nrt_number_entry_get_editable (NrtNumberEntry *self)
{
  g_return_val_if_fail (NRT_IS_NUMBER_ENTRY (self), NULL);

  return GTK_EDITABLE (self->entry);
}
