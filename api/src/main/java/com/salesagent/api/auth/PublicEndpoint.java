package com.salesagent.api.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The allow-list of deny-by-default authentication: a resource (or method) carrying this needs no
 * bearer token, because something else protects it (the webhook's signature) or it reveals nothing
 * (a redirect). Everything without it needs the operator's token.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface PublicEndpoint {
  /** Why this endpoint needs no token: read by reviewers and by the security suite. */
  String value();
}
