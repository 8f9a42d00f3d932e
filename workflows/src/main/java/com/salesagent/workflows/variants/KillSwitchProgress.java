package com.salesagent.workflows.variants;

/**
 * How far a kill-switch got: leads whose workflow took the signal, leads whose workflow had ended
 * meanwhile (nothing to switch), and whether every in-flight lead has been reached.
 */
public record KillSwitchProgress(String variantId, int signalled, int ended, boolean done) {}
