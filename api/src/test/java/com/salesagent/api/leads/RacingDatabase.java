package com.salesagent.api.leads;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Set;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * A database whose calls on some collections run a step first: another request's whole write, a
 * deactivation, or a crash (the step throws), placed exactly between two writes of the code under
 * test, with no threads and no sleeps.
 */
final class RacingDatabase {
  private RacingDatabase() {}

  /** The write calls of a collection. */
  static final Set<String> WRITES =
      Set.of(
          "updateOne",
          "updateMany",
          "insertOne",
          "replaceOne",
          "deleteOne",
          "findOneAndUpdate",
          "findOneAndReplace");

  /**
   * {@code db}, running {@code before} ahead of each call on one of {@code collections} that {@code
   * call} matches (the collection's name, the method's name, its arguments).
   */
  static MongoDatabase before(
      MongoDatabase db, Set<String> collections, Call call, Runnable before) {
    return (MongoDatabase)
        Proxy.newProxyInstance(
            RacingDatabase.class.getClassLoader(),
            new Class<?>[] {MongoDatabase.class},
            (proxy, method, args) -> {
              Object real = invoke(method, db, args);
              if (!"getCollection".equals(method.getName())
                  || !collections.contains((String) args[0])) {
                return real;
              }
              String name = (String) args[0];
              return Proxy.newProxyInstance(
                  RacingDatabase.class.getClassLoader(),
                  new Class<?>[] {MongoCollection.class},
                  (p, m, a) -> {
                    if (call.test(name, m.getName(), a == null ? new Object[0] : a)) {
                      before.run();
                    }
                    return invoke(m, real, a);
                  });
            });
  }

  /** Which call runs the step. */
  interface Call {
    boolean test(String collection, String method, Object[] args);
  }

  /** A filter or update as JSON, to tell calls apart. */
  static String json(Object bson) {
    return bson instanceof Bson b
        ? b.toBsonDocument(Document.class, MongoClientSettings.getDefaultCodecRegistry()).toJson()
        : String.valueOf(bson);
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
