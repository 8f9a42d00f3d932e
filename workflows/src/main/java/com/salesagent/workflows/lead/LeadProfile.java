package com.salesagent.workflows.lead;

/** What the workflow needs to know about a lead after research: no names, no phone numbers. */
public record LeadProfile(String segment, String timezone, String locale) {}
