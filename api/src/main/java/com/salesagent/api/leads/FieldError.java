package com.salesagent.api.leads;

/** One bad field of a request, named as the client sent it. */
public record FieldError(String field, String message) {}
