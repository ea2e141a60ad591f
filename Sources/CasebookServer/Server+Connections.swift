import CSocket
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension Server {
    /// Serves a new connection on its own thread, or answers at once and closes it: "busy"
    /// when enough are in hand (in all, or of that user id), or the admission's refusal.
    func admit(_ fd: Int32) {
        let now = Deadline(after: .zero)
        let peer: Peer
        do {
            peer = try Peer.of(socket: fd)
        } catch {
            configuration.log("cannot read the peer's credentials: \(error); connection dropped")
            close(fd)
            return
        }
        if let allowed = configuration.allowedPeerUID, peer.uid != allowed {
            configuration.log("\(peer): refused: only uid \(allowed) (the web server) may connect")
            close(fd)
            return
        }
        if let refusal = configuration.admission?(peer) {
            // A fresh socket's buffer takes this small answer without waiting.
            reply(refusal, to: fd, until: now, peer: peer, received: 0)
            close(fd)
            return
        }
        lock.lock()
        let own = activeByPeer[peer.uid, default: 0]
        guard active < configuration.maxConnections, own < configuration.maxConnectionsPerPeer else {
            lock.unlock()
            let reason = own >= configuration.maxConnectionsPerPeer
                ? "\(own) requests of yours are in hand" : "\(configuration.maxConnections) requests are in hand"
            reply(busy(reason), to: fd, until: now, peer: peer, received: 0)
            close(fd)
            return
        }
        active += 1
        activeByPeer[peer.uid] = own + 1
        lock.unlock()
        inFlight.enter()
        let thread = Thread { [self] in
            serve(fd, peer: peer)
            close(fd)
            lock.lock()
            active -= 1
            let left = activeByPeer[peer.uid, default: 1] - 1
            activeByPeer[peer.uid] = left > 0 ? left : nil
            lock.unlock()
            inFlight.leave()
        }
        thread.name = "casebook-connection"
        thread.start()
    }

    private func busy(_ reason: String) -> Response {
        .error(75, "the Casebook server is busy (\(reason))", hint: "try again in a moment")
    }

    /// Reads one request, runs the handler, sends the response.
    private func serve(_ fd: Int32, peer: Peer) {
        if let scgiHandler {
            serveSCGI(fd, peer: peer, handler: scgiHandler)
            return
        }
        let limits = configuration.limits
        let whole = Deadline(after: configuration.requestTimeout)
        var source = SocketSource(fd: fd, deadline: Deadline(after: min(configuration.headerTimeout, configuration.requestTimeout)))
        var reservation: UInt64 = 0
        var received: UInt64 = 0
        defer { release(reservation, of: peer) }
        let response: Response
        do {
            let length = try WireDecoder.header(&source, kind: .request, limit: limits.maxRequestBytes, what: "the request")
            source.deadline = whole
            guard reserve(length, for: peer) else {
                reply(busy("too many large requests are in hand"), to: fd, until: Deadline(after: configuration.responseTimeout), peer: peer, received: 0)
                return
            }
            reservation = length
            let request = try WireDecoder.requestBody(&source, length: length, limits: limits)
            received = length
            response = handler(request, peer)
        } catch let error as WireError {
            configuration.log("\(peer): refused a request: \(error)")
            response = .error(65, "the server could not read the request: \(error)", hint: "use the casebook command of the same release as the server")
        } catch TransportError.timedOut {
            configuration.log("\(peer): the request did not arrive in time")
            response = .error(74, "the request did not reach the server within \(configuration.requestTimeout) (its first bytes within \(configuration.headerTimeout))")
        } catch TransportError.closed {
            configuration.log("\(peer): disconnected before the end of its request")
            return
        } catch {
            configuration.log("\(peer): reading the request failed: \(error); connection dropped")
            return
        }
        reply(response, to: fd, until: Deadline(after: configuration.responseTimeout), peer: peer, received: received)
    }

    /// Reads one SCGI request (header block, then body, within the same time limits and
    /// memory budget as a wire request), runs the SCGI handler, sends its answer.
    private func serveSCGI(_ fd: Int32, peer: Peer, handler: SCGIHandler) {
        let limits = configuration.scgiLimits
        var source = SocketSource(fd: fd, deadline: Deadline(after: min(configuration.headerTimeout, configuration.requestTimeout)))
        var reservation: UInt64 = 0
        defer { release(reservation, of: peer) }
        let response: SCGIResponse
        do {
            let headers = try SCGI.readHeaders(&source, limits: limits)
            source.deadline = Deadline(after: configuration.requestTimeout)
            let length = UInt64(headers["CONTENT_LENGTH"] ?? "") ?? 0
            if length > 0 {
                guard reserve(min(length, limits.maxBodyBytes), for: peer) else {
                    sendSCGI(SCGIResponse(status: 503, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Data("The server is busy; try again in a moment.\n".utf8)), to: fd, peer: peer)
                    return
                }
                reservation = min(length, limits.maxBodyBytes)
            }
            let request = try SCGI.readBody(&source, headers: headers, limits: limits)
            response = handler(request, peer)
        } catch {
            configuration.log("\(peer): refused an SCGI request: \(error)")
            let status = if case .tooLarge = error { 413 } else { 400 }
            response = SCGIResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Data("\(error)\n".utf8))
        }
        sendSCGI(response, to: fd, peer: peer)
    }

    private func sendSCGI(_ response: SCGIResponse, to fd: Int32, peer: Peer) {
        let frame = response.encoded
        do {
            try send(frame, to: fd, until: Deadline(after: configuration.responseTimeout))
            configuration.log("\(peer): HTTP \(response.status), \(frame.count) bytes out")
        } catch {
            configuration.log("\(peer): the answer could not be delivered (\(error)); status was \(response.status)")
        }
    }

    /// Sends a response (or, when it cannot be encoded, an internal error in its place).
    private func reply(_ response: Response, to fd: Int32, until deadline: Deadline, peer: Peer?, received: UInt64) {
        let who = peer.map { "\($0)" } ?? "a connection"
        let frame: Data
        do {
            frame = try WireEncoder.encode(response, limits: configuration.limits)
        } catch {
            configuration.log("\(who): the response cannot be sent: \(error)")
            let failure = Response.error(70, "the server cannot send the answer: \(error)")
            // A short fixed answer always encodes; if even it cannot, the failure is logged
            // above and the client sees the connection close (its own exit 74), never a hang.
            guard let fallback = try? WireEncoder.encode(failure, limits: configuration.limits) else { return }
            frame = fallback
        }
        do {
            try send(frame, to: fd, until: deadline)
            configuration.log("\(who): exit \(response.exitCode), \(received) bytes in, \(frame.count) bytes out")
        } catch {
            configuration.log("\(who): the response could not be delivered (\(error)); exit was \(response.exitCode)")
        }
    }

    /// Reserves memory for a request's body: within the budget, and within one largest
    /// request's worth for each user id, so one login announcing large requests and sending
    /// nothing cannot hold the budget from everyone else.
    private func reserve(_ bytes: UInt64, for peer: Peer) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let own = reservedByPeer[peer.uid, default: 0]
        guard own == 0 || own + bytes <= configuration.limits.maxRequestBytes else { return false }
        guard reserved == 0 || reserved + bytes <= configuration.memoryBudget else { return false }
        reserved += bytes
        reservedByPeer[peer.uid] = own + bytes
        return true
    }

    private func release(_ bytes: UInt64, of peer: Peer) {
        guard bytes > 0 else { return }
        lock.lock()
        reserved -= bytes
        let left = reservedByPeer[peer.uid, default: bytes] - bytes
        reservedByPeer[peer.uid] = left > 0 ? left : nil
        lock.unlock()
    }
}
