package org.facestream.api;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * One Jetty request seen through the JDK's {@link HttpExchange}, the interface every handler of this package is
 * written against, with the JDK server's semantics: {@link #getResponseCode()} is -1 until
 * {@link #sendResponseHeaders} is called, which sends the headers at once; a response length of -1 means no
 * body, 0 a body of unknown length, more a body of exactly that many bytes; {@link #close()} ends the response.
 * The request body is read as Jetty delivers it (no buffering here) and the response body is written through
 * (each write blocks until Jetty has taken it). One exchange per request, used by the one thread that handles it.
 */
final class JettyExchange extends HttpExchange {
    private final Request request;
    private final Response response;
    private final Headers requestHeaders = new Headers();
    private final Headers responseHeaders = new Headers();
    private final URI uri;
    private InputStream in;
    private OutputStream out;
    private int responseCode = -1;

    JettyExchange(Request request, Response response) {
        this.request = request;
        this.response = response;
        for (HttpField f : request.getHeaders()) {
            if (f.getValue() != null) {
                requestHeaders.add(f.getName(), f.getValue());
            }
        }
        this.uri = URI.create(request.getHttpURI().getPathQuery());
        this.in = Content.Source.asInputStream(request);
        this.out = Content.Sink.asOutputStream(response);
    }

    /** The Jetty request (its connection, for the connection guard). */
    Request request() {
        return request;
    }

    @Override
    public Headers getRequestHeaders() {
        return requestHeaders;
    }

    @Override
    public Headers getResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
        return uri;
    }

    @Override
    public String getRequestMethod() {
        return request.getMethod();
    }

    @Override
    public HttpContext getHttpContext() {
        return null;
    }

    @Override
    public InputStream getRequestBody() {
        return in;
    }

    @Override
    public OutputStream getResponseBody() {
        return out;
    }

    @Override
    public void sendResponseHeaders(int code, long responseLength) throws IOException {
        if (responseCode != -1) {
            throw new IOException("headers already sent (status " + responseCode + ")");
        }
        responseCode = code;
        response.setStatus(code);
        for (Map.Entry<String, List<String>> h : responseHeaders.entrySet()) {
            for (String value : h.getValue()) {
                response.getHeaders().add(h.getKey(), value);
            }
        }
        if (responseLength > 0) {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, responseLength);
            out.flush();
        } else if (responseLength < 0) {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
            out.close();
        } else {
            out.flush(); // headers now: a stream's client waits for them before the first event
        }
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        SocketAddress a = request.getConnectionMetaData().getRemoteSocketAddress();
        return a instanceof InetSocketAddress inet ? inet : null;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        SocketAddress a = request.getConnectionMetaData().getLocalSocketAddress();
        return a instanceof InetSocketAddress inet ? inet : null;
    }

    @Override
    public int getResponseCode() {
        return responseCode;
    }

    @Override
    public String getProtocol() {
        return request.getConnectionMetaData().getProtocol();
    }

    @Override
    public Object getAttribute(String name) {
        return request.getAttribute(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        request.setAttribute(name, value);
    }

    @Override
    public void setStreams(InputStream i, OutputStream o) {
        if (i != null) {
            in = i;
        }
        if (o != null) {
            out = o;
        }
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return null; // authentication is the router's (Authentication), not the server's
    }

    /**
     * Ends the response: a handler that sent nothing answers 500 without a body, as the JDK server does.
     * Unread request content is left to Jetty, which closes the connection when more of it is pending.
     */
    @Override
    public void close() {
        try {
            if (responseCode == -1) {
                sendResponseHeaders(500, -1);
            }
            out.close();
        } catch (IOException e) {
            // the client went away; nothing more can be said
        }
    }
}
