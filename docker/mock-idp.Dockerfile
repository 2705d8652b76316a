# The mock IdP (and the mockidp CLI) as a small, non-root image, with the package installed from its npm tarball.
# Build with docker/build.sh, which installs the tarball and its production dependencies into the context.
# BASE_IMAGE defaults to the official Node 24 image; CI here passes a locally built one.
ARG BASE_IMAGE=node:24-slim
FROM ${BASE_IMAGE}
# Binds every interface: with no admin token given, `serve` generates one and prints it (docker logs).
ENV NODE_ENV=production \
    MOCKIDP_HOST=0.0.0.0 \
    MOCKIDP_PORT=9400
WORKDIR /app
COPY --chown=1000:1000 app /app
USER 1000:1000
EXPOSE 9400
# /health answers as soon as the tenants are ready; over https with MOCKIDP_TLS (a liveness probe of itself on
# loopback, so the certificate is not what it checks).
HEALTHCHECK --interval=5s --timeout=2s --start-period=2s --retries=3 \
  CMD ["node", "-e", "const tls=/^(1|true|yes)$/i.test(process.env.MOCKIDP_TLS||'');require(tls?'node:https':'node:http').get((tls?'https':'http')+'://127.0.0.1:'+(process.env.MOCKIDP_PORT||9400)+'/health',{rejectUnauthorized:false},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"]
ENTRYPOINT ["node", "/app/node_modules/mockidp/dist/cli/mockidp.js"]
CMD ["serve"]
